use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};

use super::PatrolView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::service::duties::CreatePatrol;
use crate::state::AppState;

/// Record a patrol (PIC). Its `started_at` must fall in the slot's window (the slot's local
/// time ± its window); one check-in per PIC, slot and day: a repeat answers 200 with the first.
#[utoipa::path(tag = "duties", security(("bearer" = [])), request_body = CreatePatrol, responses(
    (status = 201, body = PatrolView),
    (status = 200, description = "Already checked in for this slot today: the first check-in", body = PatrolView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Unknown slot, outside its window, in the future, unknown accounts", body = Problem, content_type = "application/problem+json"),
))]
#[post("/patrols")]
pub async fn create_patrol(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: Body<CreatePatrol>,
) -> Result<HttpResponse, ApiError> {
    let answer = crate::service::duties::check_in(&state, caller, body.into_inner()).await?;
    let (created, row) = answer;
    let view = PatrolView::from(row);
    if created {
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/patrols/{}", view.id)))
            .json(view))
    } else {
        Ok(HttpResponse::Ok().json(view))
    }
}
