use actix_web::{post, web, web::Json};

use super::DeliveryView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::webhook;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

/// Send a delivery again now (admin): a failed one gets a new retry period, a pending one
/// stops waiting for its next attempt.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid), ("delivery_id" = String, Path, format = Uuid)),
    responses(
        (status = 200, body = DeliveryView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already delivered (`already_delivered`)", body = Problem, content_type = "application/problem+json"),
))]
#[post("/webhooks/{id}/deliveries/{delivery_id}/retry")]
pub async fn retry_delivery(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<Json<DeliveryView>, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let (id, delivery_id) = path.into_inner();
    let (id, delivery_id) = (id.to_string(), delivery_id.to_string());
    let jur = caller.jurisdiction_id.clone();
    let row = state
        .db
        .write(move |c| {
            let missing = || ServiceError::not_found("there is no such delivery of this webhook");
            if webhook::find(c, &jur, &id)?.is_none() {
                return Err(missing());
            }
            let d = webhook::find_delivery(c, &id, &delivery_id)?.ok_or_else(missing)?;
            if d.state == "delivered" {
                return Err(ServiceError::conflict(
                    "already_delivered",
                    "this delivery was delivered already",
                ));
            }
            webhook::requeue(c, &d.id, crate::db::now())?;
            webhook::find_delivery(c, &id, &delivery_id)?.ok_or_else(missing)
        })
        .await?;
    state.outbox.notify_one();
    Ok(Json(DeliveryView::from(row)))
}
