use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{decision_view, RecapDecision};
use crate::api::extract::PublicBase;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::service::recap::{self, Choice};
use crate::state::AppState;

/// The leader's decision on a frozen recap.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideRecap {
    /// The username of the winning PIC on the perangkat daerah board (absent: none named).
    pub opd_winner: Option<String>,
    /// The username of the winning PIC on the kecamatan board.
    pub kecamatan_winner: Option<String>,
    /// Whether the recap, its card and caption are shown on the public page `/rekap/{id}`.
    pub publish: bool,
}

/// Mark the winners of a frozen recap and choose whether it is published (leader, coordinator,
/// admin). Made once and final, like the recap: a second decision is refused with 409
/// `already_decided` (freeze the period again for another snapshot). A winner must be a PIC on
/// that board of the frozen figures (422 otherwise).
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)),
    request_body = DecideRecap, responses(
    (status = 201, body = RecapDecision),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/recaps/{id}/decision")]
pub async fn decide(
    state: web::Data<AppState>,
    caller: AuthUser,
    base: PublicBase,
    id: web::Path<String>,
    body: Body<DecideRecap>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::FreezeRecaps)?;
    let id = super::recap_id(id.into_inner())?;
    let b = body.into_inner();
    let choice = Choice {
        opd_winner: b.opd_winner.filter(|w| !w.trim().is_empty()),
        kecamatan_winner: b.kecamatan_winner.filter(|w| !w.trim().is_empty()),
        publish: b.publish,
    };
    let shown = state
        .db
        .write(move |c| recap::decide(c, &caller, &id, choice))
        .await?;
    let view = decision_view(&shown, &base).expect("decided");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/recaps/{}", shown.row.id)))
        .json(view))
}
