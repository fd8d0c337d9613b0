use crate::api::extract::Body;
use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::AgencyView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::agency::{self, AgencyChanges};
use crate::domain::policy::Permission;
use crate::domain::reference::{check_code, check_name, AgencyKind};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgency {
    #[schema(min_length = 1, pattern = r"\S")]
    pub code: Option<String>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: Option<String>,
    pub kind: Option<AgencyKind>,
}

/// Edit an agency (admin).
#[utoipa::path(tag = "reference data", request_body = UpdateAgency, security(("bearer" = [])),
    params(("id" = AgencyId, Path, description = "The agency's id")),
    responses(
        (status = 200, body = AgencyView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/agencies/{id}")]
pub async fn update_agency(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AgencyId>,
    body: Body<UpdateAgency>,
) -> Result<Json<AgencyView>, ApiError> {
    caller.require(Permission::ManageReferenceData)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    if let Some(code) = &input.code {
        checks.check("code", check_code(code));
    }
    if let Some(name) = &input.name {
        checks.check("name", check_name(name));
    }
    checks.finish()?;

    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .write(move |c| {
            let changes = AgencyChanges {
                code: input.code.clone(),
                name: input.name.map(|n| n.trim().to_string()),
                kind: input.kind.map(|k| k.as_str().to_string()),
                updated_at: Some(crate::db::now()),
            };
            let n = agency::update(c, &jur, &id, &changes).map_err(|e| {
                ServiceError::duplicate_code(e, input.code.as_deref().unwrap_or_default())
            })?;
            if n == 0 {
                return Err(ServiceError::not_found("no agency with this id"));
            }
            agency::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no agency with this id"))
        })
        .await?;
    Ok(Json(row.into()))
}
