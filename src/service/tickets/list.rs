//! Lists of tickets as the caller may see them, with their filters.

use chrono::{DateTime, Utc};

use super::details::{details, TicketDetails};
use crate::auth::AuthUser;
use crate::db::models::ticket::{self, TicketFilter};
use crate::db::models::{category, region, Page};
use crate::db::DbConnection;
use crate::domain::lifecycle::{self, Status};
use crate::domain::source::Channel;
use crate::error::ServiceError;
use crate::ids::{AgencyId, DivisionId};

/// What a list asks for, as a person gives it (codes rather than ids).
#[derive(Debug, Default)]
pub struct TicketQuery {
    /// Any of these statuses (all when empty).
    pub statuses: Vec<Status>,
    pub agency_id: Option<AgencyId>,
    pub division_id: Option<DivisionId>,
    /// A category code.
    pub category: Option<String>,
    /// A region code; a kecamatan includes its desa.
    pub region: Option<String>,
    pub platform: Option<Channel>,
    /// Only tickets this user (an id) filed.
    pub filed_by: Option<String>,
    /// Words that must all occur (lowercase letters and digits).
    pub words: Vec<String>,
    pub filed_after: Option<DateTime<Utc>>,
    pub filed_before: Option<DateTime<Utc>>,
    /// Only tickets with a clock still counting that is due before this time.
    pub due_before: Option<DateTime<Utc>>,
    /// Most urgent first (by the earliest due time) instead of newest first.
    pub by_due: bool,
}

fn bad(detail: String) -> ServiceError {
    ServiceError::bad_request("invalid_query", detail)
}

/// The words of a text search (letters and digits, lowercase, at most eight).
pub fn search_words(q: &str) -> Result<Vec<String>, ServiceError> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(8)
        .collect();
    if words.is_empty() {
        return Err(bad("q needs at least one letter or digit".into()));
    }
    Ok(words)
}

/// The tickets of `q` that `caller` sees, after the sort key `after`, at most `limit`.
pub fn list(
    c: &mut DbConnection,
    caller: &AuthUser,
    q: TicketQuery,
    after: Option<&str>,
    limit: i64,
) -> Result<Page<TicketDetails>, ServiceError> {
    let jur = &caller.jurisdiction_id;
    let category_id = match q.category {
        Some(code) => Some(
            category::find_by_code(c, jur, &code)?
                .ok_or_else(|| bad(format!("there is no category '{code}'")))?
                .id,
        ),
        None => None,
    };
    let region_ids = match q.region {
        Some(code) => {
            let r = region::find_by_code(c, jur, &code)?
                .ok_or_else(|| bad(format!("there is no region '{code}'")))?;
            let mut ids = region::child_ids(c, &r.id)?;
            ids.push(r.id);
            ids
        }
        None => vec![],
    };
    let filter = TicketFilter {
        statuses: q.statuses.iter().map(|s| s.as_str().to_string()).collect(),
        agency_id: q.agency_id.map(|a| a.db()),
        division_id: q.division_id.map(|d| d.db()),
        category_id,
        region_ids,
        platform: q.platform.map(|p| p.as_str().to_string()),
        filed_by: q.filed_by,
        words: q.words,
        id_from: q.filed_after.map(crate::db::id_floor),
        id_before: q.filed_before.map(crate::db::id_floor),
        due_before: q.due_before.map(|d| d.naive_utc()),
        by_due: q.by_due,
    };
    let visibility = lifecycle::visibility(&caller.actor());
    let page = ticket::list(c, jur, &visibility, &filter, after, limit)?;
    Ok(Page {
        items: details(c, page.items)?,
        next_after: page.next_after,
    })
}
