//! Public proof of real response, without signing in: `/bukti` — recently fixed complaints
//! whose photos staff published, filtered by kecamatan and category — the proof card of a
//! fixed complaint (`/lacak/{code}/bukti.png`) and the published photos' public copies
//! (`/bukti/foto/{sha256}`, never an original). No cookies, cacheable, limited per client
//! address.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::format;
use super::render::{public_page, PageError};
use crate::api::extract::{ClientAddr, PublicBase};
use crate::api::tickets::proof::proof_png;
use crate::db::models::{category, jurisdiction, region};
use crate::error::ServiceError;
use crate::service::proof::{self, Filters, Proof};
use crate::state::AppState;

/// How many fixed complaints `/bukti` shows.
const SHOWN: i64 = 30;

pub struct Item {
    pub code: String,
    pub words: String,
    pub about: String,
    pub agency: Option<String>,
    pub fixed: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Template)]
#[template(path = "bukti.html")]
struct ProofsPage {
    jurisdiction: String,
    items: Vec<Item>,
    kecamatan: Vec<(String, String, bool)>,
    categories: Vec<(String, String, bool)>,
    filtered: bool,
}

#[derive(Deserialize)]
pub struct Wanted {
    kecamatan: Option<String>,
    kategori: Option<String>,
}

fn item(p: Proof) -> Item {
    let v = &p.public;
    let photo = |sha: &Option<String>| sha.as_ref().map(|s| format!("/bukti/foto/{s}"));
    Item {
        words: v.title.clone().unwrap_or_else(|| match &v.category {
            Some(c) => format!("Aduan tentang {}", c.to_lowercase()),
            None => "Aduan warga".into(),
        }),
        about: [v.category.clone(), p.place.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        agency: v.agency.clone(),
        fixed: format!(
            "Selesai {}{}",
            format::day(p.fixed_on),
            match p.working_days {
                0 => ", pada hari yang sama".to_string(),
                n => format!(", {n} hari kerja sejak aduan"),
            }
        ),
        before: photo(&p.before),
        after: photo(&p.after),
        code: v.code.clone(),
    }
}

/// `GET /bukti`.
pub async fn list(
    state: web::Data<AppState>,
    from: ClientAddr,
    q: web::Query<Wanted>,
) -> Result<HttpResponse, PageError> {
    from.check(&state.limits.public_reads)?;
    let q = q.into_inner();
    let page = state
        .db
        .read_lagging(move |c| {
            let jur = jurisdiction::first(c)?
                .ok_or_else(|| ServiceError::not_found("no jurisdiction"))?;
            let pick = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
            let f = Filters {
                kecamatan: pick(&q.kecamatan),
                category: pick(&q.kategori),
            };
            let items = proof::recent_public(c, &jur.id, &f, SHOWN)?
                .into_iter()
                .map(item)
                .collect();
            let filter = region::RegionFilter {
                level: Some("kecamatan".into()),
                ..Default::default()
            };
            let kecamatan = region::list(c, &jur.id, &filter, None, 1000)?
                .items
                .into_iter()
                .map(|r| {
                    let on = f.kecamatan.as_deref() == Some(r.id.as_str());
                    (r.id, r.name, on)
                })
                .collect();
            let categories = category::all(c, &jur.id)?
                .into_iter()
                .map(|k| {
                    let on = f.category.as_deref() == Some(k.id.as_str());
                    (k.id, k.name, on)
                })
                .collect();
            Ok::<_, ServiceError>(ProofsPage {
                jurisdiction: jur.name,
                items,
                kecamatan,
                categories,
                filtered: f.kecamatan.is_some() || f.category.is_some(),
            })
        })
        .await?;
    public_page(StatusCode::OK, &page)
}

/// `GET /lacak/{code}/bukti.png`: the proof card of a fixed complaint.
pub async fn card(
    state: web::Data<AppState>,
    from: ClientAddr,
    base: PublicBase,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    from.check(&state.limits.public_reads)?;
    let code = code.into_inner();
    let p = state
        .db
        .read_lagging(move |c| proof::public_proof(c, &code))
        .await?;
    let png = proof_png(&state, p, &base).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(png))
}

/// `GET /bukti/foto/{sha256}`: a published photo's public copy.
pub async fn photo(
    state: web::Data<AppState>,
    from: ClientAddr,
    sha: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    from.check(&state.limits.public_reads)?;
    let sha = sha.into_inner();
    let hidden = || ServiceError::not_found("there is no public photo with this name");
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(hidden().into());
    }
    let wanted = sha.clone();
    if !state
        .db
        .read_lagging(move |c| proof::is_public_copy(c, &wanted))
        .await?
    {
        return Err(hidden().into());
    }
    let blobs = state.blobs.clone();
    let bytes = web::block(move || blobs.get(&sha))
        .await
        .map_err(ServiceError::internal)?
        .map_err(|_| hidden())?;
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(bytes))
}
