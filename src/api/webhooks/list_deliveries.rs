use actix_web::{get, web, web::Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::DeliveryView;
use crate::api::pagination::{self, Paged};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::webhook;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// `pending`, `delivered` or `failed`.
    pub state: Option<String>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A webhook's delivery log, newest first (admin).
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), params(("id" = String, Path, format = Uuid), DeliveriesQuery), responses(
    (status = 200, body = Paged<DeliveryView>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<uuid::Uuid>,
    query: web::Query<DeliveriesQuery>,
) -> Result<Json<Paged<DeliveryView>>, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let wanted = q
        .state
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(s) = &wanted {
        if !["pending", "delivered", "failed"].contains(&s.as_str()) {
            return Err(ServiceError::bad_request(
                "invalid_query",
                "state must be pending, delivered or failed",
            )
            .into());
        }
    }
    let jur = caller.jurisdiction_id.clone();
    let id = id.into_inner().to_string();
    let page = state
        .db
        .read(move |c| {
            if webhook::find_with_deleted(c, &jur, &id)?.is_none() {
                return Err(ServiceError::not_found("there is no webhook with this id"));
            }
            Ok(webhook::deliveries(
                c,
                &id,
                wanted.as_deref(),
                after.as_deref(),
                limit,
            )?)
        })
        .await?;
    Ok(Json(Paged::from_page(page, DeliveryView::from)))
}
