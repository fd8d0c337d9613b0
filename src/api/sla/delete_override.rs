use actix_web::{delete, web, HttpResponse};

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::{category, sla_target};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

/// Remove a category's own targets (admin): it follows the default again.
#[utoipa::path(tag = "sla", security(("bearer" = [])), params(("code" = String, Path, description = "Category code")), responses(
    (status = 204, description = "Removed"),
    (status = 404, description = "No such category, or it has no override", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/sla/policies/categories/{code}")]
pub async fn delete_override(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCalendar)?;
    let jur = caller.jurisdiction_id.clone();
    let code = code.into_inner();
    audit::write(&state, Who::of(&caller, from.0), move |c| {
        let cat = category::find_by_code(c, &jur, &code)?
            .ok_or_else(|| ServiceError::not_found(format!("there is no category '{code}'")))?;
        if sla_target::delete_scope(c, &jur, &cat.id)? == 0 {
            return Err(ServiceError::not_found(format!(
                "category '{code}' has no override"
            )));
        }
        Ok(((), Change::new("sla.delete", "sla_policy", code)))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
