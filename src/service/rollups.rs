//! Daily rollups of the trend metrics: per local day, how many tickets were filed (by filing
//! time) and how many resolve and close events happened (by event time), under the ticket's
//! current category, region and agency. They answer a year of trends from a few thousand rows
//! instead of a million tickets.
//!
//! They are kept exactly equal to the raw tables by changing them in the transaction of every
//! ticket write (`on_write`, called by `journal::record` before the event is appended): a filing
//! adds one; an action that changes a ticket's category, region or agency moves the ticket's
//! filing and its past resolve and close events from the old keys to the new ones; a resolve or
//! close adds one. `rebuild` computes them from scratch (at start for a jurisdiction whose rollups
//! were never built or were built in another time zone, and after bulk loads); trends read them
//! only when `rollup_state` says they are complete.
//!
//! A row is split into `STRIPES` by ticket id so that concurrent writers of one day and key do
//! not all wait on one row; deltas are applied in key order, so two writers never deadlock.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use crate::db::models::ticket::Ticket;
use crate::db::schema::{recap_facts, rollup_state, ticket_events, ticket_rollups, tickets};
use crate::db::DbConnection;
use crate::domain::analytics::{GroupBy, Metric};
use crate::domain::lifecycle::Action;

/// Rows per day and key.
pub const STRIPES: i32 = 8;

/// `(metric, dim, day, key)`: one counter (all stripes).
type Key = (&'static str, &'static str, NaiveDate, String);

/// Changes to counters, in key order.
type Deltas = BTreeMap<Key, i64>;

/// The stripe of a ticket's counts (its id's last hex digit).
pub fn stripe_of(ticket_id: &str) -> i32 {
    ticket_id
        .chars()
        .last()
        .and_then(|c| c.to_digit(16))
        .map(|d| d as i32 % STRIPES)
        .unwrap_or(0)
}

/// The local day of a UTC moment.
pub fn local_day(at: NaiveDateTime, tz: Tz) -> NaiveDate {
    tz.from_utc_datetime(&at).date_naive()
}

fn dims(t: &Ticket) -> [(&'static str, String); 3] {
    [
        ("category", t.category_id.clone().unwrap_or_default()),
        ("region", t.region_id.clone().unwrap_or_default()),
        ("agency", t.agency_id.clone().unwrap_or_default()),
    ]
}

fn add(d: &mut Deltas, metric: Metric, day: NaiveDate, t: &Ticket, n: i64) {
    for (dim, key) in dims(t) {
        *d.entry((metric.as_str(), dim, day, key)).or_default() += n;
    }
}

fn metric_of(action: &str) -> Option<Metric> {
    match action {
        "resolve" => Some(Metric::Resolved),
        "close" => Some(Metric::Closed),
        _ => None,
    }
}

/// Keeps the rollups equal to the tables for one ticket write: `before` is the ticket before
/// the action (none for a filing), `after` as written, `action` the event being appended at
/// `at`. Must run before that event is inserted.
pub fn on_write(
    conn: &mut DbConnection,
    tz: Tz,
    before: Option<&Ticket>,
    after: &Ticket,
    action: Action,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let mut d = Deltas::new();
    match before {
        None => add(
            &mut d,
            Metric::Filed,
            local_day(after.created_at, tz),
            after,
            1,
        ),
        Some(b) if dims(b) != dims(after) => {
            let filed = local_day(b.created_at, tz);
            add(&mut d, Metric::Filed, filed, b, -1);
            add(&mut d, Metric::Filed, filed, after, 1);
            let past: Vec<(String, NaiveDateTime)> = ticket_events::table
                .filter(ticket_events::ticket_id.eq(&after.id))
                .filter(ticket_events::action.eq_any(["resolve", "close"]))
                .select((ticket_events::action, ticket_events::at))
                .load(conn)?;
            for (a, at) in past {
                if let Some(m) = metric_of(&a) {
                    add(&mut d, m, local_day(at, tz), b, -1);
                    add(&mut d, m, local_day(at, tz), after, 1);
                }
            }
        }
        Some(_) => {}
    }
    if let Some(m) = metric_of(action.as_str()) {
        add(&mut d, m, local_day(at, tz), after, 1);
    }
    let stripe = stripe_of(&after.id);
    for ((metric, dim, day, key), n) in d {
        if n != 0 {
            upsert(
                conn,
                &after.jurisdiction_id,
                metric,
                dim,
                day,
                &key,
                stripe,
                n,
            )?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn upsert(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    metric: &str,
    dim: &str,
    day: NaiveDate,
    key: &str,
    stripe: i32,
    n: i64,
) -> QueryResult<()> {
    use ticket_rollups::dsl as r;
    let row = (
        r::jurisdiction_id.eq(jurisdiction_id),
        r::metric.eq(metric),
        r::dim.eq(dim),
        r::day.eq(day),
        r::key.eq(key),
        r::stripe.eq(stripe),
        r::count.eq(n),
    );
    let target = (
        r::jurisdiction_id,
        r::metric,
        r::dim,
        r::day,
        r::key,
        r::stripe,
    );
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(r::ticket_rollups)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(r::count.eq(r::count + n))
            .execute(pg),
        DbConnection::Sqlite(lite) => diesel::insert_into(r::ticket_rollups)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(r::count.eq(r::count + n))
            .execute(lite),
    }
    .map(|_| ())
}

#[derive(Insertable)]
#[diesel(table_name = ticket_rollups)]
struct Row {
    jurisdiction_id: String,
    metric: &'static str,
    dim: &'static str,
    day: NaiveDate,
    key: String,
    stripe: i32,
    count: i64,
}

/// Tickets read per query while rebuilding.
const PAGE: i64 = 20_000;

/// Replaces a jurisdiction's rollups by counts made from the tickets and their events (and its
/// recap facts, `recap_facts::build_page`), and marks them complete for `tz`. Runs in its own transaction; on PostgreSQL it locks the rollups
/// against concurrent writers first, so that a filing racing the rebuild is counted once.
pub fn rebuild(conn: &mut DbConnection, jurisdiction_id: &str, tz: Tz) -> QueryResult<usize> {
    conn.transaction(|c| {
        if let DbConnection::Postgres(pg) = c {
            diesel::sql_query("LOCK TABLE ticket_rollups IN EXCLUSIVE MODE").execute(pg)?;
        }
        diesel::delete(
            ticket_rollups::table.filter(ticket_rollups::jurisdiction_id.eq(jurisdiction_id)),
        )
        .execute(c)?;
        diesel::delete(recap_facts::table.filter(recap_facts::jurisdiction_id.eq(jurisdiction_id)))
            .execute(c)?;
        type Facts = (
            String,
            NaiveDateTime,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let mut totals: BTreeMap<(Key, i32), i64> = BTreeMap::new();
        let mut after = String::new();
        loop {
            let rows: Vec<(Facts, (String, String))> = tickets::table
                .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
                .filter(tickets::id.gt(&after))
                .order(tickets::id.asc())
                .limit(PAGE)
                .select((
                    (
                        tickets::id,
                        tickets::created_at,
                        tickets::category_id,
                        tickets::region_id,
                        tickets::agency_id,
                    ),
                    (tickets::status, tickets::filed_by),
                ))
                .load(c)?;
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                break;
            };
            // Every event of the page, once: resolve and close for the counts here, all of
            // them for the recap facts.
            let events: Vec<(String, String, Option<String>, NaiveDateTime, String)> =
                ticket_events::table
                    .filter(ticket_events::ticket_id.ge(&first.0 .0))
                    .filter(ticket_events::ticket_id.le(&last.0 .0))
                    .select((
                        ticket_events::ticket_id,
                        ticket_events::action,
                        ticket_events::actor_id,
                        ticket_events::at,
                        ticket_events::data,
                    ))
                    .load(c)?;
            let mut by_ticket: HashMap<&str, Vec<crate::service::recap_facts::EventFacts>> =
                HashMap::new();
            for (t, a, by, at, d) in &events {
                by_ticket.entry(t.as_str()).or_default().push((
                    a.clone(),
                    by.clone(),
                    *at,
                    d.clone(),
                ));
            }
            let recap_page: Vec<crate::service::recap_facts::TicketFacts> = rows
                .iter()
                .map(
                    |(f, (status, filer))| crate::service::recap_facts::TicketFacts {
                        id: &f.0,
                        jurisdiction_id,
                        status,
                        filed_by: filer,
                        created_at: f.1,
                        agency_id: f.4.as_deref(),
                    },
                )
                .collect();
            crate::service::recap_facts::build_page(c, tz, &recap_page, &by_ticket)?;
            let page: Vec<&Facts> = rows.iter().map(|(f, _)| f).collect();
            let facts: HashMap<&str, &Facts> = page.iter().map(|t| (t.0.as_str(), *t)).collect();
            let mut count = |metric: Metric, day: NaiveDate, t: &Facts| {
                let stripe = stripe_of(&t.0);
                for (dim, key) in [("category", &t.2), ("region", &t.3), ("agency", &t.4)] {
                    let k = (metric.as_str(), dim, day, key.clone().unwrap_or_default());
                    *totals.entry((k, stripe)).or_default() += 1;
                }
            };
            for t in &page {
                count(Metric::Filed, local_day(t.1, tz), t);
            }
            for (ticket, action, _, at, _) in &events {
                if let (Some(m), Some(t)) = (metric_of(action), facts.get(ticket.as_str())) {
                    count(m, local_day(*at, tz), t);
                }
            }
            after = last.0 .0.clone();
        }
        let rows: Vec<Row> = totals
            .into_iter()
            .map(|((k, stripe), count)| Row {
                jurisdiction_id: jurisdiction_id.to_string(),
                metric: k.0,
                dim: k.1,
                day: k.2,
                key: k.3,
                stripe,
                count,
            })
            .collect();
        for chunk in rows.chunks(1000) {
            match c {
                DbConnection::Postgres(pg) => diesel::insert_into(ticket_rollups::table)
                    .values(chunk)
                    .execute(pg)?,
                DbConnection::Sqlite(lite) => diesel::insert_into(ticket_rollups::table)
                    .values(chunk)
                    .execute(lite)?,
            };
        }
        diesel::delete(
            rollup_state::table.filter(rollup_state::jurisdiction_id.eq(jurisdiction_id)),
        )
        .execute(c)?;
        diesel::insert_into(rollup_state::table)
            .values((
                rollup_state::jurisdiction_id.eq(jurisdiction_id),
                rollup_state::timezone.eq(tz.name()),
                rollup_state::built_at.eq(crate::db::now()),
            ))
            .execute(c)?;
        Ok(rows.len())
    })
}

/// Marks a jurisdiction's rollups incomplete (before rows are written around `on_write`);
/// trends read the raw tables until `rebuild`.
pub fn invalidate(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<()> {
    diesel::delete(rollup_state::table.filter(rollup_state::jurisdiction_id.eq(jurisdiction_id)))
        .execute(conn)
        .map(|_| ())
}

/// Whether the jurisdiction's rollups are complete for `tz`.
pub fn ready(conn: &mut DbConnection, jurisdiction_id: &str, tz: Tz) -> QueryResult<bool> {
    let zone: Option<String> = rollup_state::table
        .filter(rollup_state::jurisdiction_id.eq(jurisdiction_id))
        .select(rollup_state::timezone)
        .first(conn)
        .optional()?;
    Ok(zone.as_deref() == Some(tz.name()))
}

/// After a rebuild: refreshes the planner's statistics of the rebuilt tables (and, on
/// PostgreSQL, their visibility maps, so that a recap's scans stay index-only). Outside any
/// transaction.
pub fn tidy(conn: &mut DbConnection) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConnection::Postgres(pg) => {
            pg.batch_execute("VACUUM ANALYZE ticket_rollups, recap_facts")
        }
        DbConnection::Sqlite(lite) => {
            lite.batch_execute("ANALYZE ticket_rollups; ANALYZE recap_facts")
        }
    }
}

/// Builds the rollups of every jurisdiction that has none (or has them in another time zone).
/// Gives the jurisdictions rebuilt.
pub fn ensure_built(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    use crate::db::schema::jurisdictions;
    let all: Vec<(String, String)> = jurisdictions::table
        .select((jurisdictions::id, jurisdictions::timezone))
        .load(conn)?;
    let mut built = Vec::new();
    for (id, zone) in all {
        let tz: Tz = zone.parse().unwrap_or(chrono_tz::Asia::Jakarta);
        if !ready(conn, &id, tz)? {
            rebuild(conn, &id, tz)?;
            built.push(id);
        }
    }
    Ok(built)
}

#[derive(QueryableByName)]
struct Cell {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The counts of `metric` by local day and `group_by` key (category, region or agency id; ''
/// for none) over the local days `[from, to]`, summed over stripes; zero sums left out.
pub fn day_counts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    metric: Metric,
    group_by: GroupBy,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, String, i64)>> {
    let rows: Vec<Cell> = diesel::sql_query(
        "SELECT day, key, CAST(SUM(count) AS BIGINT) AS n FROM ticket_rollups \
         WHERE jurisdiction_id = $1 AND metric = $2 AND dim = $3 AND day >= $4 AND day <= $5 \
         GROUP BY day, key",
    )
    .bind::<Text, _>(jurisdiction_id)
    .bind::<Text, _>(metric.as_str())
    .bind::<Text, _>(group_by.as_str())
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.n != 0)
        .map(|r| (r.day, r.key, r.n))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripes_come_from_the_last_hex_digit() {
        assert_eq!(stripe_of("0190-…-0000000000f"), 15 % STRIPES);
        assert_eq!(stripe_of("x3"), 3);
        assert_eq!(stripe_of(""), 0);
        for d in "0123456789abcdef".chars() {
            let s = stripe_of(&format!("id{d}"));
            assert!((0..STRIPES).contains(&s));
        }
    }

    #[test]
    fn local_days_are_in_the_zone() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 31)
            .unwrap()
            .and_hms_opt(16, 30, 0)
            .unwrap();
        // 23:30 WIB on 31 January.
        assert_eq!(
            local_day(at, chrono_tz::Asia::Jakarta),
            NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()
        );
        // 00:30 WITA on 1 February.
        assert_eq!(
            local_day(at, chrono_tz::Asia::Makassar),
            NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
        );
    }
}
