//! One division: `/api/v1/divisions/{id}` (lists and creation live under the agency).

mod get_division;
mod update_division;

use serde::Serialize;
use utoipa::ToSchema;

pub use update_division::UpdateDivision;

use crate::db::models::division::Division;

#[derive(Debug, Serialize, ToSchema)]
pub struct DivisionView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub agency_id: String,
    #[schema(example = "dpupr.bina-marga")]
    pub code: String,
    #[schema(example = "Bidang Bina Marga")]
    pub name: String,
}

impl From<Division> for DivisionView {
    fn from(d: Division) -> Self {
        DivisionView {
            id: d.id,
            agency_id: d.agency_id,
            code: d.code,
            name: d.name,
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_division::get_division)
        .service(update_division::update_division);
}
