use actix_web::{get, web, web::Json};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::TicketView;
use crate::api::pagination::{self, Paged};
use crate::api::validate::trimmed;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::ticket;
use crate::domain::lifecycle::Status;
use crate::domain::source::Channel;
use crate::error::ServiceError;
use crate::ids::{AgencyId, DivisionId};
use crate::service::tickets::{self as service, TicketQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListTicketsQuery {
    /// One status, or several separated by commas (`new,returned`).
    #[param(example = "new,returned")]
    pub status: Option<String>,
    pub agency_id: Option<AgencyId>,
    pub division_id: Option<DivisionId>,
    /// Category code.
    pub category: Option<String>,
    /// Region code; a kecamatan includes its desa.
    pub region: Option<String>,
    pub platform: Option<Channel>,
    /// Words that must all occur in the title, description or comment text (whole words, any
    /// letter case).
    pub q: Option<String>,
    /// Filed at or after this time (RFC 3339) or date (`2025-07-01`, in UTC).
    pub filed_after: Option<String>,
    /// Filed before this time (RFC 3339) or date.
    pub filed_before: Option<String>,
    /// `true`: only tickets with a clock past its due time and still counting.
    pub overdue: Option<bool>,
    /// Only tickets with a clock still counting that is due before this time (RFC 3339) or date.
    pub due_before: Option<String>,
    /// `newest` (default) or `due`: most urgent first, by the earliest due time of the clocks
    /// still counting (tickets with none are left out).
    #[param(example = "due")]
    pub sort: Option<String>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn bad(detail: String) -> ServiceError {
    ServiceError::bad_request("invalid_query", detail)
}

fn time_param(name: &str, raw: Option<String>) -> Result<Option<DateTime<Utc>>, ServiceError> {
    let Some(raw) = trimmed(raw) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_rfc3339(&raw) {
        return Ok(Some(t.to_utc()));
    }
    if let Ok(d) = NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()));
    }
    Err(bad(format!(
        "{name} must be an RFC 3339 time (2025-07-07T12:41:00+07:00) or a date (2025-07-07)"
    )))
}

/// Words of a text search: letters and digits only, lowercased; at most 8.
fn words(q: Option<String>) -> Result<Vec<String>, ServiceError> {
    match trimmed(q) {
        Some(q) => service::search_words(&q),
        None => Ok(vec![]),
    }
}

/// Tickets the caller sees, newest first.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(ListTicketsQuery),
    responses((status = 200, body = Paged<TicketView>)))]
#[get("/tickets")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ListTicketsQuery>,
) -> Result<Json<Paged<TicketView>>, ApiError> {
    let q = query.into_inner();
    let by_due = match trimmed(q.sort).as_deref() {
        None | Some("newest") => false,
        Some("due") => true,
        Some(other) => return Err(bad(format!("sort must be newest or due, not '{other}'")).into()),
    };
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    if let Some(a) = &after {
        let valid = if by_due {
            ticket::parse_due_key(a).is_some()
        } else {
            uuid::Uuid::parse_str(a).is_ok()
        };
        if !valid {
            return Err(ServiceError::bad_request(
                "invalid_cursor",
                "the cursor is not one this API gave out (for this sort)",
            )
            .into());
        }
    }
    let mut due_before = time_param("due_before", q.due_before)?;
    if q.overdue == Some(true) {
        let now = Utc::now();
        due_before = Some(due_before.map_or(now, |d| d.min(now)));
    }
    let mut statuses = vec![];
    for s in trimmed(q.status).iter().flat_map(|s| s.split(',')) {
        let s = s.trim();
        match Status::parse(s) {
            Some(st) => statuses.push(st),
            None => return Err(bad(format!("'{s}' is not a ticket status")).into()),
        }
    }
    let filed_after = time_param("filed_after", q.filed_after)?;
    let filed_before = time_param("filed_before", q.filed_before)?;
    let words = words(q.q)?;
    let query = TicketQuery {
        statuses,
        agency_id: q.agency_id,
        division_id: q.division_id,
        category: trimmed(q.category),
        region: trimmed(q.region),
        platform: q.platform,
        filed_by: None,
        words,
        filed_after,
        filed_before,
        due_before,
        by_due,
    };
    let who = caller.clone();
    let page = state
        .db
        .read(move |c| service::list(c, &who, query, after.as_deref(), limit))
        .await?;
    Ok(Json(Paged::from_page(page, |d| TicketView::of(&caller, d))))
}
