use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{resolve_parent, views, RegionView};

use crate::api::problem::Problem;
use crate::api::validate::trimmed;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::region::{self, Region};
use crate::domain::policy::Permission;
use crate::domain::reference::{check_code, check_name, RegionLevel};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRegion {
    #[schema(example = "jalancagak.curugrendeng")]
    pub code: String,
    #[schema(example = "Curugrendeng")]
    pub name: String,
    pub level: RegionLevel,
    /// Required for a desa: the code of its kecamatan.
    #[schema(example = "jalancagak")]
    pub parent_code: Option<String>,
}

/// Create a region (admin).
#[utoipa::path(tag = "reference data", request_body = CreateRegion, security(("bearer" = [])), responses(
    (status = 201, body = RegionView),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/regions")]
pub async fn create_region(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: Body<CreateRegion>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageReferenceData)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    checks.check("code", check_code(&input.code));
    checks.check("name", check_name(&input.name));
    checks.finish()?;

    let jur = caller.jurisdiction_id.clone();
    let view = state
        .db
        .write(move |c| {
            let parent_code = trimmed(input.parent_code);
            let parent_id = resolve_parent(c, &jur, input.level, parent_code.as_deref())?;
            let now = crate::db::now();
            let row = Region {
                id: crate::db::new_id(),
                jurisdiction_id: jur,
                code: input.code,
                name: input.name.trim().to_string(),
                level: input.level.as_str().to_string(),
                parent_id,
                created_at: now,
                updated_at: now,
            };
            region::insert(c, &row).map_err(|e| ServiceError::duplicate_code(e, &row.code))?;
            Ok::<_, ServiceError>(views(c, vec![row])?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/regions/{}", view.id)))
        .json(view))
}
