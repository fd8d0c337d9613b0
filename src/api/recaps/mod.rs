//! Recaps: `/api/v1/recaps` — the regent's bi-weekly recap of every agency's and PIC's work:
//! the live preview, frozen snapshots (stored as computed, never changed), their downloads, and
//! the score's weights.

pub mod cards;
mod decide;
mod freeze;
mod get_recap;
mod list_recaps;
mod preview;
mod weights;

use actix_web::HttpResponse;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use decide::DecideRecap;
pub use freeze::FreezeRecap;
pub use list_recaps::RecapsQuery;
pub use preview::RecapQuery;

use crate::api::analytics::export::{respond, Format, Tabular};
use crate::api::extract::PublicBase;
use crate::api::ApiError;
use crate::db::models::recap::Snapshot;
use crate::error::ServiceError;
use crate::service::recap::{Recap, RecapLine, Shown};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // Fixed paths before `/recaps/{id}`.
    cfg.service(preview::preview)
        .service(cards::preview_card)
        .service(cards::preview_caption)
        .service(weights::get_weights)
        .service(weights::put_weights)
        .service(freeze::freeze)
        .service(list_recaps::list_recaps)
        .service(get_recap::get_recap)
        .service(cards::card)
        .service(cards::caption)
        .service(decide::decide);
}

/// Which table a CSV or XLSX download holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Agencies,
    Pics,
    /// One row per id behind a figure: the drill-down as a table.
    Evidence,
}

impl Table {
    pub fn parse(v: Option<&str>) -> Result<Table, ServiceError> {
        match v.map(str::trim) {
            None | Some("") | Some("agencies") => Ok(Table::Agencies),
            Some("pics") => Ok(Table::Pics),
            Some("evidence") => Ok(Table::Evidence),
            Some(_) => Err(ServiceError::bad_request(
                "invalid_query",
                "table must be agencies, pics or evidence",
            )),
        }
    }
}

/// One id behind one figure of one line. Stable columns: `table, key, figure, id`.
#[derive(Debug, Serialize)]
pub struct EvidenceRow {
    /// `agencies` or `pics`.
    pub table: &'static str,
    /// Agency code or PIC username.
    pub key: String,
    /// The figure (`filed`, `resolved`, `clocks_met`, `patrols`, …).
    pub figure: &'static str,
    /// A ticket id, `ticket:clock`, patrol id or activity id.
    pub id: String,
}

impl Tabular for EvidenceRow {
    const COLUMNS: &'static [&'static str] = &["table", "key", "figure", "id"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.table.to_string(),
            self.key.clone(),
            self.figure.to_string(),
            self.id.clone(),
        ]
    }
}

fn evidence_rows(recap: &Recap) -> Vec<EvidenceRow> {
    let mut rows = Vec::new();
    let lines: [(&'static str, &Vec<RecapLine>); 2] =
        [("agencies", &recap.agencies), ("pics", &recap.pics)];
    for (table, lines) in lines {
        for l in lines {
            let Some(evidence) = &l.evidence else {
                continue;
            };
            for (figure, ids) in evidence.figures() {
                rows.extend(ids.iter().map(|id| EvidenceRow {
                    table,
                    key: l.key.clone(),
                    figure,
                    id: id.clone(),
                }));
            }
        }
    }
    rows
}

/// Whether the ids must be kept: asked for in JSON, or the evidence table of a download.
pub fn keep_evidence(fmt: Format, table: Table, asked: Option<bool>) -> bool {
    match fmt {
        Format::Json => asked.unwrap_or(false),
        Format::Csv | Format::Xlsx => table == Table::Evidence,
    }
}

/// Answers `view` as JSON, or one of `recap`'s tables as CSV or XLSX.
pub fn respond_recap<V: Serialize>(
    fmt: Format,
    name: &str,
    view: &V,
    recap: &Recap,
    table: Table,
) -> Result<HttpResponse, ApiError> {
    match table {
        Table::Agencies => respond(fmt, name, view, &recap.agencies),
        Table::Pics => respond(fmt, &format!("{name}-pics"), view, &recap.pics),
        Table::Evidence => respond(
            fmt,
            &format!("{name}-evidence"),
            view,
            &evidence_rows(recap),
        ),
    }
}

/// A frozen recap without its body (for lists).
#[derive(Debug, Serialize, ToSchema)]
pub struct RecapSummary {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// Who froze it.
    #[schema(format = Uuid)]
    pub created_by: String,
    /// Whether the period had ended when it was frozen (in the jurisdiction's time zone).
    pub complete: bool,
}

/// A frozen recap: the numbers as they were when it was frozen, forever.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecapSnapshot {
    #[serde(flatten)]
    pub summary: RecapSummary,
    /// The leader's decision (winners, publication); null until made.
    pub decision: Option<RecapDecision>,
    pub recap: Recap,
}

/// The leader's decision on a frozen recap: final once made.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecapDecision {
    /// The winning PIC's username on the perangkat daerah board.
    pub opd_winner: Option<String>,
    /// The winning PIC's username on the kecamatan board.
    pub kecamatan_winner: Option<String>,
    pub published: bool,
    /// The public page of the recap, when published.
    pub public_url: Option<String>,
    #[schema(format = Uuid)]
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

pub fn decision_view(s: &Shown, base: &PublicBase) -> Option<RecapDecision> {
    let d = s.decision.as_ref()?;
    Some(RecapDecision {
        opd_winner: d.opd_winner.clone(),
        kecamatan_winner: d.kecamatan_winner.clone(),
        published: d.published,
        public_url: cards::address_of(s, base),
        decided_by: d.decided_by.clone(),
        decided_at: d.decided_at.and_utc(),
    })
}

/// A recap id from a path: not found unless it is a UUID.
pub fn recap_id(id: String) -> Result<String, ServiceError> {
    match uuid::Uuid::parse_str(&id) {
        Ok(_) => Ok(id),
        Err(_) => Err(ServiceError::not_found("no such recap")),
    }
}

fn summary_of(s: &Snapshot, tz: chrono_tz::Tz) -> RecapSummary {
    let frozen_on = s.created_at.and_utc().with_timezone(&tz).date_naive();
    RecapSummary {
        id: s.id.clone(),
        from: s.from_day,
        to: s.to_day,
        created_at: s.created_at.and_utc(),
        created_by: s.created_by.clone(),
        complete: frozen_on > s.to_day,
    }
}

/// A stored recap as a reader asked for it (see `Recap::shaped`).
fn snapshot_of(
    s: Snapshot,
    tz: chrono_tz::Tz,
    evidence: bool,
    key: Option<&str>,
) -> Result<RecapSnapshot, ServiceError> {
    let recap: Recap = serde_json::from_str(&s.body).map_err(ServiceError::internal)?;
    Ok(RecapSnapshot {
        summary: summary_of(&s, tz),
        decision: None,
        recap: recap.shaped(evidence, key),
    })
}
