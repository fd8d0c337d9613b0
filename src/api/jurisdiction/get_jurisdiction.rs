use actix_web::{get, web::Json};

use super::JurisdictionView;
use crate::api::ApiError;
use crate::auth::AuthUser;

/// The jurisdiction (kabupaten/kota) the signed-in user belongs to.
#[utoipa::path(tag = "reference data", security(("bearer" = [])), responses((status = 200, body = JurisdictionView)))]
#[get("/jurisdiction")]
pub async fn get_jurisdiction(caller: AuthUser) -> Result<Json<JurisdictionView>, ApiError> {
    // The sign-in check loaded it with the user.
    let j = caller.jurisdiction;
    Ok(Json(JurisdictionView {
        id: j.id,
        code: j.code,
        short_code: j.short_code,
        name: j.name,
        timezone: j.timezone,
    }))
}
