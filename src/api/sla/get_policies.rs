use actix_web::{get, web, web::Json};

use super::{sorted, OverrideView, PoliciesView};
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::{category, sla_target};
use crate::domain::policy::Permission;
use crate::domain::sla;
use crate::error::ServiceError;
use crate::service::clocks::target_of;
use crate::state::AppState;

pub fn load(c: &mut crate::db::DbConnection, jur: &str) -> Result<PoliciesView, ServiceError> {
    let rows = sla_target::all(c, jur)?;
    let defaults: Vec<_> = rows
        .iter()
        .filter(|r| r.scope == sla_target::DEFAULT_SCOPE)
        .filter_map(target_of)
        .collect();
    let mut scopes: Vec<String> = rows
        .iter()
        .filter(|r| r.scope != sla_target::DEFAULT_SCOPE)
        .map(|r| r.scope.clone())
        .collect();
    scopes.dedup();
    let codes = category::codes_of(c, &scopes)?;
    let mut overrides: Vec<OverrideView> = scopes
        .iter()
        .filter_map(|s| {
            Some(OverrideView {
                category: codes.get(s)?.clone(),
                clocks: sorted(
                    rows.iter()
                        .filter(|r| &r.scope == s)
                        .filter_map(target_of)
                        .collect(),
                ),
            })
        })
        .collect();
    overrides.sort_by(|a, b| a.category.cmp(&b.category));
    Ok(PoliciesView {
        default: sla::effective(&defaults, &[]),
        overrides,
    })
}

/// The SLA targets: the default and every category override.
#[utoipa::path(tag = "sla", security(("bearer" = [])), responses((status = 200, body = PoliciesView)))]
#[get("/sla/policies")]
pub async fn get_policies(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<Json<PoliciesView>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let jur = caller.jurisdiction_id.clone();
    Ok(Json(state.db.read(move |c| load(c, &jur)).await?))
}
