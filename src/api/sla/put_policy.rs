use crate::api::extract::Body;
use actix_web::{put, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::get_policies::load;
use super::{check_targets, rows, PoliciesView};
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::{category, sla_target};
use crate::domain::policy::Permission;
use crate::domain::sla::ClockTarget;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// The clocks to set; a clock left out follows the default (for an override) or the
    /// built-in target (for the default).
    #[schema(example = json!([{"clock": "follow_up", "target": 2, "unit": "working_days"}]))]
    pub clocks: Vec<ClockTarget>,
}

/// Replace the jurisdiction's default targets (admin).
#[utoipa::path(tag = "sla", security(("bearer" = [])), request_body = PolicyInput, responses(
    (status = 200, body = PoliciesView),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[put("/sla/policies/default")]
pub async fn put_default(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    body: Body<PolicyInput>,
) -> Result<Json<PoliciesView>, ApiError> {
    caller.require(Permission::ManageCalendar)?;
    let clocks = body.into_inner().clocks;
    check_targets(&clocks)?;
    let jur = caller.jurisdiction_id.clone();
    let view = audit::write(&state, Who::of(&caller, from.0), move |c| {
        let scope = sla_target::DEFAULT_SCOPE;
        let before = load(c, &jur)?;
        sla_target::replace(c, &jur, scope, &rows(&jur, scope, &clocks))?;
        let after = load(c, &jur)?;
        let change = Change::new("sla.put", "sla_policy", "default")
            .before(&before)
            .after(&after);
        Ok((after, change))
    })
    .await?;
    Ok(Json(view))
}

/// Replace a category's own targets (admin).
#[utoipa::path(tag = "sla", security(("bearer" = [])), request_body = PolicyInput,
    params(("code" = String, Path, description = "Category code")),
    responses(
        (status = 200, body = PoliciesView),
        (status = 404, description = "No such category", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[put("/sla/policies/categories/{code}")]
pub async fn put_override(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    code: web::Path<String>,
    body: Body<PolicyInput>,
) -> Result<Json<PoliciesView>, ApiError> {
    caller.require(Permission::ManageCalendar)?;
    let clocks = body.into_inner().clocks;
    check_targets(&clocks)?;
    let jur = caller.jurisdiction_id.clone();
    let code = code.into_inner();
    let view = audit::write(&state, Who::of(&caller, from.0), move |c| {
        let cat = category::find_by_code(c, &jur, &code)?
            .ok_or_else(|| ServiceError::not_found(format!("there is no category '{code}'")))?;
        let before = load(c, &jur)?;
        sla_target::replace(c, &jur, &cat.id, &rows(&jur, &cat.id, &clocks))?;
        let after = load(c, &jur)?;
        let change = Change::new("sla.put", "sla_policy", code)
            .before(&before)
            .after(&after);
        Ok((after, change))
    })
    .await?;
    Ok(Json(view))
}
