//! Agencies (OPD, including kecamatan offices) and their divisions: `/api/v1/agencies`.

mod create_agency;
mod create_division;
mod get_agency;
mod list_agencies;
mod list_divisions;
mod update_agency;

use serde::Serialize;
use utoipa::ToSchema;

pub use create_agency::CreateAgency;
pub use create_division::CreateDivision;
pub use list_agencies::ListAgenciesQuery;
pub use list_divisions::ListDivisionsQuery;
pub use update_agency::UpdateAgency;

use crate::db::models::agency::Agency;
use crate::domain::reference::AgencyKind;

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "dpupr")]
    pub code: String,
    #[schema(example = "Dinas Pekerjaan Umum dan Penataan Ruang")]
    pub name: String,
    pub kind: AgencyKind,
}

impl From<Agency> for AgencyView {
    fn from(a: Agency) -> Self {
        AgencyView {
            kind: AgencyKind::parse(&a.kind).unwrap_or(AgencyKind::Other),
            id: a.id,
            code: a.code,
            name: a.name,
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_agencies::list_agencies)
        .service(create_agency::create_agency)
        .service(get_agency::get_agency)
        .service(update_agency::update_agency)
        .service(list_divisions::list_divisions)
        .service(create_division::create_division);
}
