use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{keep_evidence, respond_recap, Table};
use crate::api::analytics::export::{format_of, ExportFormat, Tabular};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::service::recap;
use crate::service::recap::{Recap, RecapLine};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecapQuery {
    /// First local day (default: the current two-week period from the anchor Monday).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last local day, inclusive.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
    /// For CSV and XLSX: `agencies` (default), `pics`, or `evidence` (one row per id behind a
    /// figure).
    pub table: Option<String>,
    /// Include the ids behind each figure (default false; CSV/XLSX `table=evidence` has them
    /// always).
    pub evidence: Option<bool>,
    /// Only the lines of this agency code or PIC username (a drill-down).
    pub key: Option<String>,
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.4}")).unwrap_or_default()
}

impl Tabular for RecapLine {
    const COLUMNS: &'static [&'static str] = &[
        "rank",
        "key",
        "name",
        "agency",
        "score",
        "response",
        "completion",
        "clocks",
        "patrols",
        "activity",
        "filed",
        "received",
        "returned",
        "resolved",
        "closed_with_reply",
        "median_first_reply_minutes",
        "clocks_met",
        "clocks_breached",
        "reopens",
        "patrols_done",
        "patrols_expected",
        "reposts",
        "content",
    ];
    fn cells(&self) -> Vec<String> {
        let mut v = vec![
            self.rank.to_string(),
            self.key.clone(),
            self.name.clone(),
            self.agency.clone().unwrap_or_default(),
            format!("{:.2}", self.score),
            num(self.response),
            num(self.completion),
            num(self.clocks),
            num(self.patrols),
            num(self.activity),
        ];
        v.extend(
            [
                self.filed,
                self.received,
                self.returned,
                self.resolved,
                self.closed_with_reply,
            ]
            .map(|n| n.to_string()),
        );
        v.push(num(self.median_first_reply_minutes));
        v.extend(
            [
                self.clocks_met,
                self.clocks_breached,
                self.reopens,
                self.patrols_done,
                self.patrols_expected,
                self.reposts,
                self.content,
            ]
            .map(|n| n.to_string()),
        );
        v
    }
}

/// The recap of a period as it stands now (leader, coordinator, admin): per agency and per
/// PIC, each figure, the score's components beside it, the score and the rank; with
/// `evidence=true` the ticket, clock, patrol or activity ids behind each figure (narrow it to
/// one line with `key`). Score = 100 × Σ weight × component ÷ Σ weight
/// over the components that can be judged: response (share of filed tickets answered within the
/// first_response target, weight 30), completion (resolved ÷ received, 25), clocks (met ÷
/// met + breached, 20), patrols (done ÷ expected slots, 15), activity (posts per day, one a day
/// being full marks, 10). Shares, not counts, so raw volume does not decide the rank.
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(RecapQuery), responses(
    (status = 200, description = "The answer as JSON, or its rows as a CSV or XLSX download (`format`)", content(
        (Recap = "application/json"),
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/recaps/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<RecapQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecaps)?;
    let q = query.into_inner();
    let fmt = format_of(q.format.as_deref())?;
    let table = Table::parse(q.table.as_deref())?;
    let p = recap::period(&caller, state.settings.recap_anchor, q.from, q.to)?;
    let keep = keep_evidence(fmt, table, q.evidence);
    let who = caller.clone();
    let recap = state
        .db
        .read_lagging(move |c| recap::preview(c, &who, &p, keep))
        .await?;
    let key = q.key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let recap = recap.shaped(keep, key);
    respond_recap(
        fmt,
        &format!("recap-{}-{}", p.from, p.to),
        &recap,
        &recap,
        table,
    )
}
