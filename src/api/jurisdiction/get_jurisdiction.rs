use actix_web::{get, web, web::Json};

use super::JurisdictionView;
use crate::auth::AuthUser;
use crate::db::models::jurisdiction;
use crate::error::ApiError;
use crate::state::AppState;

/// The jurisdiction (kabupaten/kota) the signed-in user belongs to.
#[utoipa::path(tag = "reference data", security(("bearer" = [])), responses((status = 200, body = JurisdictionView)))]
#[get("/jurisdiction")]
pub async fn get_jurisdiction(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<Json<JurisdictionView>, ApiError> {
    let jur = caller.jurisdiction_id.clone();
    let j = state
        .db
        .read(move |c| jurisdiction::find(c, &jur).map_err(ApiError::from))
        .await?;
    Ok(Json(JurisdictionView {
        id: j.id,
        code: j.code,
        short_code: j.short_code,
        name: j.name,
        timezone: j.timezone,
    }))
}
