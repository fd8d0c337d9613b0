//! `/rekap/{id}`: a frozen recap its leader chose to publish, for anyone — the two prize
//! boards' perangkat daerah and kecamatan with their scores, the winners, the card
//! (`/rekap/{id}/kartu.png`) and its caption. PICs' own figures stay inside the console: the
//! public sees agencies and the named winners only. No cookies, cacheable, limited per client
//! address, with Open Graph tags so that a shared link shows the card.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;

use super::format;
use super::render::{public_page, PageError};
use crate::api::extract::{ClientAddr, PublicBase};
use crate::api::recaps::cards::draw;
use crate::cards::recap::{frozen_caption, score, RecapCard};
use crate::domain::recap::Board;
use crate::error::ServiceError;
use crate::service::recap::{self, Shown};
use crate::state::AppState;

pub struct Row {
    pub rank: u32,
    pub name: String,
    pub score: String,
}

pub struct BoardView {
    pub title: &'static str,
    pub rows: Vec<Row>,
    pub winner: Option<String>,
}

pub struct Published {
    pub jurisdiction: String,
    pub period: String,
    pub frozen: String,
    pub boards: Vec<BoardView>,
    pub caption: String,
    pub card: String,
    pub address: String,
    /// The first line of the caption, for link previews.
    pub summary: String,
}

#[derive(Template)]
#[template(path = "rekap_publik.html")]
struct PublicRecapPage {
    r: Option<Published>,
}

fn published(s: &Shown, base: &PublicBase) -> Published {
    let path = format!("/rekap/{}", s.row.id);
    let address = base.at(&path);
    let caption = frozen_caption(s, Some(&address));
    let boards = s
        .boards
        .iter()
        .map(|b| BoardView {
            title: match b.board {
                Board::Opd => "Perangkat daerah",
                Board::Kecamatan => "Kecamatan",
            },
            rows: b
                .agencies
                .iter()
                .map(|p| Row {
                    rank: p.rank,
                    name: p.line.name.clone(),
                    score: score(p.line.score),
                })
                .collect(),
            winner: s.winner(b.board).map(|(name, agency)| match agency {
                Some(a) => format!("{name} ({a})"),
                None => name,
            }),
        })
        .collect();
    Published {
        jurisdiction: s.jurisdiction.clone(),
        period: format::span(s.row.from_day, s.row.to_day),
        frozen: format::day(s.row.created_at.date()),
        boards,
        summary: caption.lines().next().unwrap_or_default().to_string(),
        caption,
        card: base.at(&format!("{path}/kartu.png")),
        address,
    }
}

async fn find(state: &AppState, id: String) -> Result<Option<Shown>, ServiceError> {
    if uuid::Uuid::parse_str(&id).is_err() {
        return Ok(None);
    }
    match state
        .db
        .read_lagging(move |c| recap::published(c, &id))
        .await
    {
        Ok(s) => Ok(Some(s)),
        Err(ServiceError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `GET /rekap/{id}`.
pub async fn show(
    state: web::Data<AppState>,
    from: ClientAddr,
    base: PublicBase,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    from.check(&state.limits.public_reads)?;
    match find(&state, id.into_inner()).await? {
        Some(s) => public_page(
            StatusCode::OK,
            &PublicRecapPage {
                r: Some(published(&s, &base)),
            },
        ),
        None => public_page(StatusCode::NOT_FOUND, &PublicRecapPage { r: None }),
    }
}

/// `GET /rekap/{id}/kartu.png`: the published recap's card.
pub async fn card(
    state: web::Data<AppState>,
    from: ClientAddr,
    base: PublicBase,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    from.check(&state.limits.public_reads)?;
    let s = find(&state, id.into_inner())
        .await?
        .ok_or_else(|| ServiceError::not_found("there is no published recap with this id"))?;
    let address = base.at(&format!("/rekap/{}", s.row.id));
    let png = draw(RecapCard::frozen(&s, Some(address))).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(png))
}
