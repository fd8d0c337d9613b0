use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::analytics::export::{format_of, period, respond, Period, Tabular};
use crate::api::patrols::slots_of;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::domain::recap::{period_of, Weights};
use crate::error::{ApiError, Problem};
use crate::recap::{compute, Recap, RecapLine};
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
    pub format: Option<String>,
    /// For CSV and XLSX: `agencies` (default) or `pics`.
    pub table: Option<String>,
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
/// PIC, each figure with the ticket, clock, patrol or activity ids behind it (`evidence`), the
/// score's components beside it, and the rank. Score = 100 × Σ weight × component ÷ Σ weight
/// over the components that can be judged: response (share of filed tickets answered within the
/// first_response target, weight 30), completion (resolved ÷ received, 25), clocks (met ÷
/// met + breached, 20), patrols (done ÷ expected slots, 15), activity (posts per day, one a day
/// being full marks, 10). Shares, not counts, so raw volume does not decide the rank.
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(RecapQuery), responses(
    (status = 200, body = Recap),
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
    let pics = match q.table.as_deref().map(str::trim) {
        None | Some("") | Some("agencies") => false,
        Some("pics") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "table must be agencies or pics",
            ))
        }
    };
    let tz = caller.timezone();
    let (from, to) = match (q.from, q.to) {
        (None, None) => {
            let today = Utc::now().with_timezone(&tz).date_naive();
            let (f, t) = period_of(state.settings.recap_anchor, today);
            (Some(f), Some(t))
        }
        (f, t) => (f, t),
    };
    let Period {
        from,
        to,
        start,
        end,
    } = period(tz, from, to)?;
    if (to - from).num_days() > 92 {
        return Err(ApiError::bad_request(
            "invalid_query",
            "a recap covers at most 93 days",
        ));
    }
    let jur = caller.jurisdiction_id.clone();
    let recap = state
        .db
        .read(move |c| {
            let slots = slots_of(c, &jur)?.len();
            Ok::<_, ApiError>(compute(
                c,
                &jur,
                from,
                to,
                start,
                end,
                slots,
                &Weights::default(),
            )?)
        })
        .await?;
    let name = format!("recap-{from}-{to}");
    if pics {
        respond(fmt, &name, &recap, &recap.pics)
    } else {
        respond(fmt, &name, &recap, &recap.agencies)
    }
}
