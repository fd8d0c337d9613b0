use actix_web::{delete, web, HttpResponse};

use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::webhook;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

/// Remove a webhook with its delivery log (admin); pending deliveries are dropped.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 204, description = "Removed"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let jur = caller.jurisdiction_id.clone();
    let id = id.into_inner().to_string();
    let n = state
        .db
        .write(move |c| {
            if webhook::find(c, &jur, &id)?.is_none() {
                return Ok(0);
            }
            webhook::delete(c, &jur, &id).map_err(ServiceError::from)
        })
        .await?;
    if n == 0 {
        return Err(ServiceError::not_found("there is no webhook with this id").into());
    }
    Ok(HttpResponse::NoContent().finish())
}
