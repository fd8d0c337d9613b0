use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::AgencyView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::agency::{self, Agency};
use crate::domain::policy::Permission;
use crate::domain::reference::{check_code, check_name, AgencyKind};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgency {
    /// Unique in the jurisdiction: lowercase letters, digits, '-', '_', '.'.
    #[schema(example = "dpupr")]
    pub code: String,
    #[schema(example = "Dinas Pekerjaan Umum dan Penataan Ruang")]
    pub name: String,
    pub kind: AgencyKind,
}

/// Create an agency (admin).
#[utoipa::path(tag = "reference data", request_body = CreateAgency, security(("bearer" = [])), responses(
    (status = 201, body = AgencyView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/agencies")]
pub async fn create_agency(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: Body<CreateAgency>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageReferenceData)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    checks.check("code", check_code(&input.code));
    checks.check("name", check_name(&input.name));
    checks.finish()?;

    let now = crate::db::now();
    let row = Agency {
        id: crate::db::new_id(),
        jurisdiction_id: caller.jurisdiction_id.clone(),
        code: input.code,
        name: input.name.trim().to_string(),
        kind: input.kind.as_str().to_string(),
        created_at: now,
        updated_at: now,
    };
    let row = state
        .db
        .write(move |c| {
            agency::insert(c, &row).map_err(|e| ServiceError::duplicate_code(e, &row.code))?;
            Ok::<_, ServiceError>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/agencies/{}", row.id)))
        .json(AgencyView::from(row)))
}
