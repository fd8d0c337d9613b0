//! The caller's jurisdiction: `/api/v1/jurisdiction`.

mod get_jurisdiction;

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct JurisdictionView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "subang.go.id")]
    pub code: String,
    /// Prefix of tracking codes.
    #[schema(example = "SBG")]
    pub short_code: String,
    #[schema(example = "Kabupaten Subang")]
    pub name: String,
    #[schema(example = "Asia/Jakarta")]
    pub timezone: String,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_jurisdiction::get_jurisdiction);
}
