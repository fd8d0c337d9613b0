use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::divisions::DivisionView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::agency;
use crate::db::models::division::{self, Division};
use crate::domain::policy::Permission;
use crate::domain::reference::{check_code, check_name};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDivision {
    /// Unique in the jurisdiction, e.g. `dpupr.bina-marga`.
    #[schema(example = "dpupr.bina-marga")]
    pub code: String,
    #[schema(example = "Bidang Bina Marga")]
    pub name: String,
}

/// Create a division of an agency (admin).
#[utoipa::path(tag = "reference data", request_body = CreateDivision, security(("bearer" = [])),
    params(("id" = AgencyId, Path, description = "The agency's id")),
    responses(
        (status = 201, body = DivisionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/agencies/{id}/divisions")]
pub async fn create_division(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AgencyId>,
    body: Body<CreateDivision>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageReferenceData)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    checks.check("code", check_code(&input.code));
    checks.check("name", check_name(&input.name));
    checks.finish()?;

    let (jur, agency_id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .write(move |c| {
            agency::find(c, &jur, &agency_id)?
                .ok_or_else(|| ServiceError::not_found("no agency with this id"))?;
            let now = crate::db::now();
            let row = Division {
                id: crate::db::new_id(),
                jurisdiction_id: jur,
                agency_id,
                code: input.code,
                name: input.name.trim().to_string(),
                created_at: now,
                updated_at: now,
            };
            division::insert(c, &row).map_err(|e| ServiceError::duplicate_code(e, &row.code))?;
            Ok::<_, ServiceError>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/divisions/{}", row.id)))
        .json(DivisionView::from(row)))
}
