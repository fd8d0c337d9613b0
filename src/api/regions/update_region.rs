use crate::api::extract::Body;
use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{resolve_parent, views, RegionView};

use crate::api::problem::Problem;
use crate::api::validate::double_option;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::region::{self, RegionChanges};
use crate::domain::policy::Permission;
use crate::domain::reference::{check_code, check_name, RegionLevel};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::RegionId;
use crate::service::projections;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRegion {
    #[schema(min_length = 1, pattern = r"\S")]
    pub code: Option<String>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: Option<String>,
    pub level: Option<RegionLevel>,
    /// The kecamatan of a desa; `null` for a kecamatan.
    #[serde(default, deserialize_with = "double_option")]
    pub parent_code: Option<Option<String>>,
}

/// Edit a region (admin).
#[utoipa::path(tag = "reference data", request_body = UpdateRegion, security(("bearer" = [])),
    params(("id" = RegionId, Path, description = "The region's id")),
    responses(
        (status = 200, body = RegionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/regions/{id}")]
pub async fn update_region(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<RegionId>,
    body: Body<UpdateRegion>,
) -> Result<Json<RegionView>, ApiError> {
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
    let view = state
        .db
        .write(move |c| {
            let current = region::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no region with this id"))?;
            let level = input
                .level
                .or_else(|| RegionLevel::parse(&current.level))
                .unwrap_or(RegionLevel::Desa);
            let parent_id = match (&input.parent_code, input.level) {
                (Some(code), _) => Some(resolve_parent(c, &jur, level, code.as_deref())?),
                (None, Some(_)) => {
                    let code = match &current.parent_id {
                        Some(p) => region::codes_of(c, std::slice::from_ref(p))?.remove(p),
                        None => None,
                    };
                    Some(resolve_parent(c, &jur, level, code.as_deref())?)
                }
                (None, None) => None,
            };
            if level == RegionLevel::Desa && region::has_children(c, &id)? {
                return Err(ServiceError::invalid(
                    "level",
                    "this region has desa under it",
                ));
            }
            if parent_id
                .as_ref()
                .is_some_and(|p| p.as_deref() == Some(id.as_str()))
            {
                return Err(ServiceError::invalid(
                    "parent_code",
                    "a region cannot contain itself",
                ));
            }
            let changes = RegionChanges {
                code: input.code.clone(),
                name: input.name.map(|n| n.trim().to_string()),
                level: input.level.map(|l| l.as_str().to_string()),
                parent_id,
                updated_at: Some(crate::db::now()),
            };
            let moved = changes
                .parent_id
                .as_ref()
                .is_some_and(|p| *p != current.parent_id);
            region::update(c, &jur, &id, &changes).map_err(|e| {
                ServiceError::duplicate_code(e, input.code.as_deref().unwrap_or_default())
            })?;
            if moved {
                // The projections count complaints by kecamatan: read the raw tables until
                // they are rebuilt.
                projections::invalidate(c, &jur)?;
            }
            let row = region::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no region with this id"))?;
            Ok::<_, ServiceError>((views(c, vec![row])?.remove(0), moved))
        })
        .await?;
    if view.1 {
        projections::rebuild_soon(state.into_inner());
    }
    Ok(Json(view.0))
}
