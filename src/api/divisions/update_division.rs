use crate::api::extract::Body;
use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::DivisionView;

use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::division::{self, DivisionChanges};
use crate::domain::policy::Permission;
use crate::domain::reference::{check_code, check_name};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::DivisionId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDivision {
    #[schema(min_length = 1, pattern = r"\S")]
    pub code: Option<String>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: Option<String>,
}

/// Edit a division (admin). A division stays with its agency.
#[utoipa::path(tag = "reference data", request_body = UpdateDivision, security(("bearer" = [])),
    params(("id" = DivisionId, Path, description = "The division's id")),
    responses(
        (status = 200, body = DivisionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/divisions/{id}")]
pub async fn update_division(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<DivisionId>,
    body: Body<UpdateDivision>,
) -> Result<Json<DivisionView>, ApiError> {
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
            let changes = DivisionChanges {
                code: input.code.clone(),
                name: input.name.map(|n| n.trim().to_string()),
                updated_at: Some(crate::db::now()),
            };
            let n = division::update(c, &jur, &id, &changes).map_err(|e| {
                ServiceError::duplicate_code(e, input.code.as_deref().unwrap_or_default())
            })?;
            if n == 0 {
                return Err(ServiceError::not_found("no division with this id"));
            }
            division::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no division with this id"))
        })
        .await?;
    Ok(Json(row.into()))
}
