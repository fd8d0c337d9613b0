//! `/app/aduan`: the complaints the user sees, with the API's filters and text search, newest or
//! most urgent first, a page at a time.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::format::{self, Due};
use super::frame::{Frame, Section};
use super::render::{page_with, PageError};
use super::session::Signed;
use super::{labels, messages};
use crate::db::models::region::RegionFilter;
use crate::db::models::{category, region};
use crate::domain::lifecycle::Status;
use crate::error::ServiceError;
use crate::service::clocks;
use crate::service::tickets::{list, search_words, TicketQuery};
use crate::state::AppState;

const PER_PAGE: i64 = 25;

/// The list's query, as the filter form sends it (every field optional, empty meaning "any").
#[derive(Debug, Default, Deserialize)]
pub struct ListForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    wilayah: String,
    #[serde(default)]
    urut: String,
    setelah: Option<String>,
}

pub struct Row {
    pub code: String,
    pub title: String,
    pub status: &'static str,
    pub filed: String,
    pub due: Option<Due>,
}

pub struct Choice {
    pub value: String,
    pub name: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "daftar.html")]
struct ListPage {
    frame: Frame,
    q: String,
    urgent: bool,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    regions: Vec<Choice>,
    rows: Vec<Row>,
    next: Option<String>,
    error: Option<String>,
}

fn choices(items: Vec<(String, String)>, chosen: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, name)| Choice {
            chosen: value == chosen,
            value,
            name,
        })
        .collect()
}

fn query_of(f: &ListForm) -> Result<TicketQuery, ServiceError> {
    let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let status =
        match given(&f.status) {
            Some(s) => vec![Status::parse(&s)
                .ok_or_else(|| ServiceError::invalid("status", "unknown status"))?],
            None => vec![],
        };
    Ok(TicketQuery {
        statuses: status,
        category: given(&f.kategori),
        region: given(&f.wilayah),
        words: match given(&f.q) {
            Some(q) => search_words(&q)?,
            None => vec![],
        },
        by_due: f.urut == "mendesak",
        ..Default::default()
    })
}

/// The link to the next page: this query with the cursor `after`.
fn next_link(f: &ListForm, after: &str) -> String {
    let fields = [
        ("q", f.q.as_str()),
        ("status", &f.status),
        ("kategori", &f.kategori),
        ("wilayah", &f.wilayah),
        ("urut", &f.urut),
        ("setelah", after),
    ];
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    format!("{}/aduan?{query}", super::session::ROOT)
}

/// `GET /app/aduan`.
pub async fn show(
    state: web::Data<AppState>,
    s: Signed,
    form: web::Query<ListForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let user = s.user.clone();
    let query = query_of(&f);
    let after = f.setelah.clone().filter(|a| !a.is_empty());
    let (found, categories, regions, cal) = state
        .db
        .read(move |c| {
            let found = match query {
                Ok(q) => list(c, &user, q, after.as_deref(), PER_PAGE),
                Err(e) => Err(e),
            };
            let categories = category::all(c, &user.jurisdiction_id)?;
            let kecamatan = RegionFilter {
                level: Some("kecamatan".into()),
                ..Default::default()
            };
            let regions = region::list(c, &user.jurisdiction_id, &kecamatan, None, 500)?.items;
            let year_ago = chrono::Utc::now() - chrono::Duration::days(400);
            let cal = clocks::calendar(c, &user.jurisdiction, year_ago)?;
            Ok::<_, ServiceError>((found, categories, regions, cal))
        })
        .await?;
    let (tz, now) = (s.user.timezone(), chrono::Utc::now());
    let (rows, next, error, status) = match found {
        Ok(page) => {
            let rows = page
                .items
                .into_iter()
                .map(|d| Row {
                    code: d.ticket.code.clone(),
                    title: d.ticket.title.clone(),
                    status: labels::status(d.ticket.status()),
                    filed: format::date_time(d.ticket.created_at.and_utc(), tz),
                    due: d
                        .ticket
                        .next_due_at
                        .map(|at| format::due(at.and_utc(), now, &cal)),
                })
                .collect();
            let next = page.next_after.map(|a| next_link(&f, &a));
            (rows, next, None, StatusCode::OK)
        }
        Err(e @ ServiceError::Internal(_)) => return Err(e.into()),
        Err(e) => (
            vec![],
            None,
            Some(messages::message(&e)),
            crate::api::problem::status_of(&e),
        ),
    };
    let statuses = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), labels::status(*s).to_string()))
        .collect();
    page_with(
        status,
        &ListPage {
            frame: Frame::of(&s, Section::Tickets),
            q: f.q.clone(),
            urgent: f.urut == "mendesak",
            statuses: choices(statuses, &f.status),
            categories: choices(
                categories.into_iter().map(|c| (c.code, c.name)).collect(),
                &f.kategori,
            ),
            regions: choices(
                regions.into_iter().map(|r| (r.code, r.name)).collect(),
                &f.wilayah,
            ),
            rows,
            next,
            error,
        },
    )
}
