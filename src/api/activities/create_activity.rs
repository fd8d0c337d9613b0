use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};

use super::ActivityView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::service::duties::CreateActivity;
use crate::state::AppState;

/// Record a repost or an own post (PIC). One record per post: the same URL again (in any of its
/// forms) answers 200 with the first record.
#[utoipa::path(tag = "duties", security(("bearer" = [])), request_body = CreateActivity, responses(
    (status = 201, body = ActivityView),
    (status = 200, description = "This post was recorded already", body = ActivityView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: Body<CreateActivity>,
) -> Result<HttpResponse, ApiError> {
    let answer = crate::service::duties::record_activity(&state, caller, body.into_inner()).await?;
    let (created, row) = answer;
    let view = ActivityView::from(row);
    if created {
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/activities/{}", view.id)))
            .json(view))
    } else {
        Ok(HttpResponse::Ok().json(view))
    }
}
