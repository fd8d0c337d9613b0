use actix_web::{get, web, web::Json};

use super::Health;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::error::ServiceError;
use crate::state::AppState;

/// The service can answer requests: its database is reachable.
#[utoipa::path(tag = "operations", responses(
    (status = 200, body = Health),
    (status = 503, description = "The database is not reachable", body = Problem, content_type = "application/problem+json"),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        ServiceError::Unavailable("the database is not reachable".into())
    })?;
    Ok(Json(Health {
        status: "ok",
        database: Some(state.db.backend().name()),
    }))
}
