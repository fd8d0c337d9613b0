//! Regions: kecamatan and desa/kelurahan, `/api/v1/regions`.

mod create_region;
mod get_region;
mod list_regions;
mod update_region;

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

pub use create_region::CreateRegion;
pub use list_regions::ListRegionsQuery;
pub use update_region::UpdateRegion;

use crate::db::models::region::{self, Region};
use crate::db::DbConnection;
use crate::domain::reference::RegionLevel;
use crate::error::ServiceError;

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "jalancagak.curugrendeng")]
    pub code: String,
    #[schema(example = "Curugrendeng")]
    pub name: String,
    pub level: RegionLevel,
    /// The kecamatan of a desa.
    #[schema(example = "jalancagak")]
    pub parent_code: Option<String>,
}

/// Views for `rows`, with their parents' codes looked up in one query.
pub fn views(conn: &mut DbConnection, rows: Vec<Region>) -> Result<Vec<RegionView>, ServiceError> {
    let parent_ids: Vec<String> = rows.iter().filter_map(|r| r.parent_id.clone()).collect();
    let codes: HashMap<String, String> = region::codes_of(conn, &parent_ids)?;
    Ok(rows
        .into_iter()
        .map(|r| RegionView {
            level: RegionLevel::parse(&r.level).unwrap_or(RegionLevel::Desa),
            parent_code: r.parent_id.as_ref().and_then(|p| codes.get(p).cloned()),
            id: r.id,
            code: r.code,
            name: r.name,
        })
        .collect())
}

/// The parent named by `parent_code`, checked against `level`.
pub fn resolve_parent(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    level: RegionLevel,
    parent_code: Option<&str>,
) -> Result<Option<String>, ServiceError> {
    let parent = match parent_code {
        Some(code) => Some(
            region::find_by_code(conn, jurisdiction_id, code)?
                .ok_or_else(|| ServiceError::invalid("parent_code", "no region with this code"))?,
        ),
        None => None,
    };
    let parent_level = parent.as_ref().and_then(|p| RegionLevel::parse(&p.level));
    crate::domain::reference::check_region_parent(level, parent_level)
        .map_err(|m| ServiceError::invalid("parent_code", m))?;
    Ok(parent.map(|p| p.id))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_regions::list_regions)
        .service(create_region::create_region)
        .service(get_region::get_region)
        .service(update_region::update_region);
}
