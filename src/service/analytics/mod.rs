//! Planner analytics: aggregates of the tickets — never a ticket's personal data — for the JSON
//! API (`/api/v1/analytics`) and the console's dashboard (`/app/analitik`). Each question is a
//! module that answers with a view whose rows have a table form (`table`).

pub mod backlog;
pub mod hotspots;
pub mod planning;
pub mod routing;
pub mod sla;
pub mod table;
pub mod trends;

use std::collections::HashMap;

pub use crate::domain::analytics::Period;
use crate::error::ServiceError;

/// Code and name of each category, kecamatan or agency, by id.
pub type Names = HashMap<String, (String, String)>;

/// The code of the thing with id `id`.
pub fn code_of(names: &Names, id: Option<&str>) -> Option<String> {
    id.and_then(|i| names.get(i).map(|(c, _)| c.clone()))
}

/// The name of each code of `names`.
pub fn by_code(names: &Names) -> HashMap<&str, &str> {
    names
        .values()
        .map(|(c, n)| (c.as_str(), n.as_str()))
        .collect()
}

/// The period of local days `[from, to]` a query asks for (default: the year up to today).
pub fn period(
    tz: chrono_tz::Tz,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<Period, ServiceError> {
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    Period::of(tz, from, to, today).map_err(|m| ServiceError::bad_request("invalid_query", m))
}
