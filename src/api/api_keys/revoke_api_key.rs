use actix_web::{delete, web, HttpResponse};

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::api_key;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

/// Revoke an API key (admin): requests with it are refused from now on. The key stays listed
/// (with `include_revoked=true`) so that the tickets it filed still name it. Revoking a revoked
/// key changes nothing.
#[utoipa::path(tag = "api keys", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 204, description = "Revoked"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[delete("/api-keys/{id}")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageApiKeys)?;
    let jur = caller.jurisdiction_id.clone();
    let id = id.into_inner().to_string();
    let by = caller.id.clone();
    audit::write(&state, Who::of(&caller, from.0), move |c| {
        let key = api_key::find(c, &jur, &id)?
            .ok_or_else(|| ServiceError::not_found("there is no API key with this id"))?;
        if key.revoked_at.is_none() {
            api_key::revoke(c, &key, &by, crate::db::now())?;
        }
        let change = Change::new("api_key.revoke", "api_key", &id)
            .before(&serde_json::json!({"name": key.name, "revoked": key.revoked_at.is_some()}));
        Ok(((), change))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
