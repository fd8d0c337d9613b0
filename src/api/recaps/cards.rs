//! The recap card (PNG, 1080×1350) and its caption (plain text), of a frozen recap and of the
//! fortnight as it stands.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::PublicBase;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::cards::recap::{caption as live_caption, frozen_caption, RecapCard};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::recap::{self, Shown};
use crate::state::AppState;
use chrono::NaiveDate;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CardPeriod {
    /// First local day (default: the current two-week period).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last local day, inclusive.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

/// A PNG answer; `fixed`: the picture can never change (a decided frozen recap).
pub fn png(bytes: Vec<u8>, name: &str, fixed: bool) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}.png\""),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            if fixed {
                "private, max-age=86400"
            } else {
                "private, no-cache"
            },
        ))
        .body(bytes)
}

pub fn text(body: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}.txt\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(body)
}

/// Draws a card off the async workers (a card takes tens of milliseconds of CPU).
pub async fn draw(it: RecapCard) -> Result<Vec<u8>, ServiceError> {
    web::block(move || it.png())
        .await
        .map_err(ServiceError::internal)?
        .map_err(ServiceError::from)
}

/// The address of a frozen recap's public page, when it is published.
pub fn address_of(s: &Shown, base: &PublicBase) -> Option<String> {
    s.published()
        .then(|| base.at(&format!("/rekap/{}", s.row.id)))
}

async fn frozen(state: &AppState, caller: AuthUser, id: String) -> Result<Shown, ServiceError> {
    caller.require(Permission::ReadRecaps)?;
    let id = super::recap_id(id)?;
    state.db.read(move |c| recap::frozen(c, &caller, &id)).await
}

/// The card of a frozen recap (leader, coordinator, admin): the jurisdiction, the period, the
/// top five agencies of each board with their scores, the winners once marked, and the
/// address of the public page once published.
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 200, description = "The card, 1080×1350", content_type = "image/png", body = Vec<u8>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/recaps/{id}/card.png")]
pub async fn card(
    state: web::Data<AppState>,
    caller: AuthUser,
    base: PublicBase,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let s = frozen(&state, caller, id.into_inner()).await?;
    let fixed = s.decision.is_some();
    let name = format!("rekap-{}-{}", s.row.from_day, s.row.to_day);
    let bytes = draw(RecapCard::frozen(&s, address_of(&s, &base))).await?;
    Ok(png(bytes, &name, fixed))
}

/// The caption to post with a frozen recap's card, in Indonesian.
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 200, description = "The caption", content_type = "text/plain", body = String),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/recaps/{id}/caption.txt")]
pub async fn caption(
    state: web::Data<AppState>,
    caller: AuthUser,
    base: PublicBase,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let s = frozen(&state, caller, id.into_inner()).await?;
    let name = format!("rekap-{}-{}", s.row.from_day, s.row.to_day);
    Ok(text(
        frozen_caption(&s, address_of(&s, &base).as_deref()),
        &name,
    ))
}

/// What a preview of period `p` answers: its card or its caption.
#[derive(Debug, Clone, Copy)]
pub enum Preview {
    Card,
    Caption,
}

/// The card or caption of period `p` as it stands now, marked as a preview (no winners, no
/// address), as `user` may see it. The JSON API and the console both answer with it.
pub async fn preview(
    state: &AppState,
    user: AuthUser,
    p: recap::Period,
    what: Preview,
) -> Result<HttpResponse, ServiceError> {
    user.require(Permission::ReadRecaps)?;
    let (jurisdiction, boards) = state
        .db
        .read_lagging(move |c| recap::live(c, &user, &p))
        .await?;
    let name = format!("rekap-{}-{}-pratinjau", p.from, p.to);
    Ok(match what {
        Preview::Card => png(
            draw(RecapCard::preview(&jurisdiction, p.from, p.to, &boards)).await?,
            &name,
            false,
        ),
        Preview::Caption => text(
            live_caption(&jurisdiction, (p.from, p.to), &boards, |_| None, None),
            &name,
        ),
    })
}

async fn period_of(
    state: &AppState,
    caller: &AuthUser,
    q: CardPeriod,
) -> Result<recap::Period, ServiceError> {
    caller.require(Permission::ReadRecaps)?;
    recap::period(caller, state.settings.recap_anchor, q.from, q.to)
}

/// The card of the fortnight as it stands now, marked as a preview (no winners, no address).
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(CardPeriod), responses(
    (status = 200, description = "The card, 1080×1350", content_type = "image/png", body = Vec<u8>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/recaps/preview/card.png")]
pub async fn preview_card(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<CardPeriod>,
) -> Result<HttpResponse, ApiError> {
    let p = period_of(&state, &caller, q.into_inner()).await?;
    Ok(preview(&state, caller, p, Preview::Card).await?)
}

/// The caption of the fortnight as it stands now.
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(CardPeriod), responses(
    (status = 200, description = "The caption", content_type = "text/plain", body = String),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/recaps/preview/caption.txt")]
pub async fn preview_caption(
    state: web::Data<AppState>,
    caller: AuthUser,
    q: web::Query<CardPeriod>,
) -> Result<HttpResponse, ApiError> {
    let p = period_of(&state, &caller, q.into_inner()).await?;
    Ok(preview(&state, caller, p, Preview::Caption).await?)
}
