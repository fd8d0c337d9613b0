//! Showing a complaint's photos to the public from its page ("tampilkan ke publik", with the
//! confirmation that a photo shows no face or personal data; withdrawing it), and its proof
//! card to download and paste as the reply.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::render::{see_other, PageError};
use super::session::{Signed, ROOT};
use super::ticket::refused_here;
use crate::api::extract::PublicBase;
use crate::api::tickets::proof::proof_png;
use crate::service::proof;
use crate::service::tickets::load_visible_by_code;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    csrf: String,
    yakin: Option<String>,
}

async fn ticket_id(state: &AppState, s: &Signed, code: &str) -> Result<String, PageError> {
    let user = s.user.clone();
    let code = code.to_string();
    Ok(state
        .db
        .read(move |c| load_visible_by_code(c, &user, &code).map(|t| t.id))
        .await?)
}

/// `POST /app/aduan/{code}/foto/{id}/publik`.
pub async fn publish(
    state: web::Data<AppState>,
    s: Signed,
    path: web::Path<(String, String)>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    let (code, attachment) = path.into_inner();
    let id = ticket_id(&state, &s, &code).await?;
    let confirmed = form.yakin.as_deref() == Some("ya");
    match proof::publish(&state, s.user.clone(), id, attachment, confirmed).await {
        Ok(_) => Ok(see_other(&format!(
            "{ROOT}/aduan/{code}?selesai=foto-publik"
        ))),
        Err(e) => refused_here(&state, &s, code, e).await,
    }
}

/// `POST /app/aduan/{code}/foto/{id}/tarik`.
pub async fn withdraw(
    state: web::Data<AppState>,
    s: Signed,
    path: web::Path<(String, String)>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    let (code, attachment) = path.into_inner();
    let id = ticket_id(&state, &s, &code).await?;
    match proof::withdraw(&state, s.user.clone(), id, attachment).await {
        Ok(()) => Ok(see_other(&format!(
            "{ROOT}/aduan/{code}?selesai=foto-tarik"
        ))),
        Err(e) => refused_here(&state, &s, code, e).await,
    }
}

/// `GET /app/aduan/{code}/bukti.png`: the proof card.
pub async fn card(
    state: web::Data<AppState>,
    s: Signed,
    base: PublicBase,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    let id = ticket_id(&state, &s, &code).await?;
    let user = s.user.clone();
    let p = state
        .db
        .read(move |c| proof::proof_for(c, &user, &id))
        .await?;
    let png = proof_png(&state, p, &base).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"bukti-{code}.png\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .body(png))
}
