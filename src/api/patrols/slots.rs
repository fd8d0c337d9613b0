use crate::api::extract::Body;
use actix_web::{get, put, web, web::Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::patrol::{self, SlotRow};
use crate::domain::duty::{check_slots, Slot};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::service::duties::slots_of;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotsInput {
    pub slots: Vec<Slot>,
}

/// The patrol slots of the jurisdiction (13:00, 17:00 and 19:00 local, ±60 minutes, unless an
/// admin set others).
#[utoipa::path(tag = "duties", security(("bearer" = [])), responses((status = 200, body = SlotsInput)))]
#[get("/patrols/slots")]
pub async fn get_slots(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<Json<SlotsInput>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let jur = caller.jurisdiction_id.clone();
    let slots = state.db.read(move |c| slots_of(c, &jur)).await?;
    Ok(Json(SlotsInput { slots }))
}

/// Replace the patrol slots (admin). Patrols already recorded keep their slot names.
#[utoipa::path(tag = "duties", security(("bearer" = [])), request_body = SlotsInput, responses(
    (status = 200, body = SlotsInput),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[put("/patrols/slots")]
pub async fn put_slots(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    body: Body<SlotsInput>,
) -> Result<Json<SlotsInput>, ApiError> {
    caller.require(Permission::ManageCalendar)?;
    let mut slots = body.into_inner().slots;
    for s in &mut slots {
        s.name = s.name.trim().to_string();
    }
    check_slots(&slots).map_err(|(i, field, message)| {
        ServiceError::invalid(
            if field == "slots" {
                "slots".to_string()
            } else {
                format!("slots[{i}].{field}")
            },
            message,
        )
    })?;
    let jur = caller.jurisdiction_id.clone();
    let rows: Vec<SlotRow> = slots
        .iter()
        .map(|s| SlotRow {
            jurisdiction_id: jur.clone(),
            name: s.name.clone(),
            at_time: s.at.clone(),
            window_minutes: s.window_minutes,
        })
        .collect();
    let saved = audit::write(&state, Who::of(&caller, from.0), move |c| {
        let before = slots_of(c, &jur)?;
        patrol::replace_slots(c, &jur, &rows)?;
        let after = slots_of(c, &jur)?;
        let change = Change::new("patrol_slots.update", "patrol_slots", &jur)
            .before(&before)
            .after(&after);
        Ok((after, change))
    })
    .await?;
    Ok(Json(SlotsInput { slots: saved }))
}
