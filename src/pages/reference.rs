//! `/app/referensi`: the reference data tickets point at, read-only — agencies with their
//! divisions, categories with the agency their tupoksi routes to, and the kecamatan. Changing
//! them stays with the API and the seed file (`aduan seed`).

use actix_web::{web, HttpResponse};
use askama::Template;

use super::frame::{Frame, Section};
use super::render::{page, PageError};
use super::session::Signed;
use crate::db::models::region::RegionFilter;
use crate::db::models::{agency, category, division, region};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

pub struct AgencyRow {
    pub name: String,
    pub code: String,
    pub divisions: Vec<String>,
}

pub struct CategoryRow {
    pub name: String,
    pub code: String,
    pub agency: String,
}

#[derive(Template)]
#[template(path = "referensi.html")]
struct ReferencePage {
    frame: Frame,
    agencies: Vec<AgencyRow>,
    categories: Vec<CategoryRow>,
    kecamatan: Vec<String>,
}

/// `GET /app/referensi` (admins).
pub async fn show(state: web::Data<AppState>, s: Signed) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ManageUsers)?;
    let jur = s.user.jurisdiction_id.clone();
    let (agencies, categories, kecamatan) = state
        .db
        .read(move |c| {
            let mut agencies = agency::all(c, &jur)?;
            agencies.sort_by(|a, b| a.name.cmp(&b.name));
            let all_divisions = division::all_in_jurisdiction(c, &jur)?;
            let mut rows = vec![];
            for a in &agencies {
                let mut divisions: Vec<String> = all_divisions
                    .iter()
                    .filter(|d| d.agency_id == a.id)
                    .map(|d| d.name.clone())
                    .collect();
                divisions.sort();
                rows.push(AgencyRow {
                    name: a.name.clone(),
                    code: a.code.clone(),
                    divisions,
                });
            }
            let mut categories: Vec<CategoryRow> = category::all(c, &jur)?
                .into_iter()
                .map(|k| CategoryRow {
                    agency: k
                        .default_agency_id
                        .as_ref()
                        .and_then(|id| agencies.iter().find(|a| &a.id == id))
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| "—".into()),
                    name: k.name,
                    code: k.code,
                })
                .collect();
            categories.sort_by(|a, b| a.name.cmp(&b.name));
            let only = RegionFilter {
                level: Some("kecamatan".into()),
                ..Default::default()
            };
            let mut kecamatan: Vec<String> = region::list(c, &jur, &only, None, 1000)?
                .items
                .into_iter()
                .map(|r| r.name)
                .collect();
            kecamatan.sort();
            Ok::<_, ServiceError>((rows, categories, kecamatan))
        })
        .await?;
    page(&ReferencePage {
        frame: Frame::of(&s, Section::Users),
        agencies,
        categories,
        kecamatan,
    })
}
