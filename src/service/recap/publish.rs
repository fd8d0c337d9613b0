//! What leaders do with a recap: choose its period, look at it as it stands now, and freeze it
//! as published — stored whole, never changed.

use chrono::{NaiveDate, Utc};

use super::{best_source, compute, Period, Recap};
use crate::auth::AuthUser;
use crate::db::models::recap::{self as snapshots, Snapshot};
use crate::db::DbConnection;
use crate::domain::recap::period_of;
use crate::error::ServiceError;
use crate::service::duties::slots_of;

/// The longest recap, in days.
pub const MAX_DAYS: i64 = 93;

/// The period of a recap: `from`/`to` as given (both or neither), else the two-week period
/// from the `anchor` Monday that holds today in the caller's time zone.
pub fn period(
    caller: &AuthUser,
    anchor: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Period, ServiceError> {
    let tz = caller.timezone();
    let today = Utc::now().with_timezone(&tz).date_naive();
    let (from, to) = match (from, to) {
        (None, None) => {
            let (f, t) = period_of(anchor, today);
            (Some(f), Some(t))
        }
        (f, t) => (f, t),
    };
    let bad = |m: String| ServiceError::bad_request("invalid_query", m);
    let p = Period::of(tz, from, to, today).map_err(|m| bad(m.to_string()))?;
    if p.days() > MAX_DAYS {
        return Err(bad(format!("a recap covers at most {MAX_DAYS} days")));
    }
    Ok(p)
}

/// The recap of `p` as it stands now, with the current weights; with the ids behind the
/// figures when `evidence`.
pub fn preview(
    c: &mut DbConnection,
    caller: &AuthUser,
    p: &Period,
    evidence: bool,
) -> Result<Recap, ServiceError> {
    let jur = &caller.jurisdiction_id;
    let slots = slots_of(c, jur)?.len();
    let weights = snapshots::weights(c, jur)?;
    let source = best_source(c, jur, caller.timezone(), evidence)?;
    Ok(compute(c, jur, p, slots, &weights, source)?)
}

/// Freezes the recap of `p`: computed now with the current weights and stored whole — figures,
/// evidence ids, components, scores, ranks — so that it reads the same forever.
pub fn freeze(
    c: &mut DbConnection,
    caller: &AuthUser,
    p: &Period,
) -> Result<Snapshot, ServiceError> {
    let recap = preview(c, caller, p, true)?;
    let now = crate::db::now();
    let row = Snapshot {
        id: crate::db::new_id_at(now),
        jurisdiction_id: caller.jurisdiction_id.clone(),
        from_day: p.from,
        to_day: p.to,
        created_by: caller.id.clone(),
        created_at: now,
        body: serde_json::to_string(&recap).map_err(ServiceError::internal)?,
    };
    snapshots::insert(c, &row)?;
    Ok(row)
}
