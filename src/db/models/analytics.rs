//! The raw facts planner analytics count, read straight from the tickets and their events.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};

use crate::db::schema::{agencies, categories, regions, ticket_events, tickets};
use crate::db::DbConnection;
use crate::domain::analytics::Metric;

/// One counted thing: when, and the ticket's category, region and agency ids.
pub type Fact = (
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A clock: `(clock, state, agency_id, category_id)`.
pub type ClockFact = (String, String, Option<String>, Option<String>);

/// The facts of `metric` in `[from, to)` (UTC).
pub fn facts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    metric: Metric,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Fact>> {
    match metric {
        // Ticket ids are UUIDv7 of the filing time: the time range is an id range.
        Metric::Filed => tickets::table
            .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
            .filter(tickets::id.ge(crate::db::id_floor(from.and_utc())))
            .filter(tickets::id.lt(crate::db::id_floor(to.and_utc())))
            .select((
                tickets::created_at,
                tickets::category_id,
                tickets::region_id,
                tickets::agency_id,
            ))
            .load(conn),
        Metric::Resolved | Metric::Closed => {
            let action = if metric == Metric::Resolved {
                "resolve"
            } else {
                "close"
            };
            ticket_events::table
                .inner_join(tickets::table)
                .filter(ticket_events::jurisdiction_id.eq(jurisdiction_id))
                .filter(ticket_events::at.ge(from))
                .filter(ticket_events::at.lt(to))
                .filter(ticket_events::action.eq(action))
                .select((
                    ticket_events::at,
                    tickets::category_id,
                    tickets::region_id,
                    tickets::agency_id,
                ))
                .load(conn)
        }
    }
}

/// Code and name of every category of the jurisdiction, by id.
pub fn category_names(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
) -> QueryResult<HashMap<String, (String, String)>> {
    let rows: Vec<(String, String, String)> = categories::table
        .filter(categories::jurisdiction_id.eq(jurisdiction_id))
        .select((categories::id, categories::code, categories::name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(i, c, n)| (i, (c, n))).collect())
}

pub fn agency_names(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
) -> QueryResult<HashMap<String, (String, String)>> {
    let rows: Vec<(String, String, String)> = agencies::table
        .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
        .select((agencies::id, agencies::code, agencies::name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(i, c, n)| (i, (c, n))).collect())
}

/// The kecamatan of every region, by region id: a kecamatan maps to itself, a desa to its
/// parent.
pub fn kecamatan_names(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
) -> QueryResult<HashMap<String, (String, String)>> {
    let rows: Vec<(String, String, String, Option<String>)> = regions::table
        .filter(regions::jurisdiction_id.eq(jurisdiction_id))
        .select((
            regions::id,
            regions::code,
            regions::name,
            regions::parent_id,
        ))
        .load(conn)?;
    let by_id: HashMap<&str, (&str, &str)> = rows
        .iter()
        .map(|(i, c, n, _)| (i.as_str(), (c.as_str(), n.as_str())))
        .collect();
    Ok(rows
        .iter()
        .map(|(id, code, name, parent)| {
            let (c, n) = parent
                .as_deref()
                .and_then(|p| by_id.get(p).copied())
                .unwrap_or((code.as_str(), name.as_str()));
            (id.clone(), (c.to_string(), n.to_string()))
        })
        .collect())
}

/// Open tickets counted by agency and age: `(agency_id, band, count)`, where band `i` holds
/// the tickets filed after `after[i]` and not after `after[i - 1]`, and band `after.len()` the
/// rest (`after` from the latest).
pub fn open_by_age(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    after: &[NaiveDateTime],
) -> QueryResult<Vec<(Option<String>, i32, i64)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<Text>)]
        agency_id: Option<String>,
        #[diesel(sql_type = Integer)]
        band: i32,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let open: Vec<String> = crate::domain::lifecycle::Status::OPEN
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    // Parameters are numbered in the order they appear (SQLite numbers `$n` so): the bounds
    // $1…$n, then the jurisdiction. Statuses are the lifecycle's own words, not input.
    let n = after.len();
    let cases: String = (0..n)
        .map(|i| format!("WHEN created_at > ${} THEN {i} ", i + 1))
        .collect();
    let sql = format!(
        "SELECT agency_id, CASE {cases}ELSE {n} END AS band, CAST(COUNT(*) AS BIGINT) AS n \
         FROM tickets WHERE jurisdiction_id = ${} AND status IN ({}) GROUP BY 1, 2",
        n + 1,
        open.join(", ")
    );
    let mut q =
        diesel::sql_query(sql).into_boxed::<'_, <DbConnection as diesel::Connection>::Backend>();
    for t in after {
        q = q.bind::<Timestamp, _>(*t);
    }
    let q = q.bind::<Text, _>(jurisdiction_id);
    let rows: Vec<Row> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.agency_id, r.band, r.n))
        .collect())
}

/// The open tickets filed in `[from, to)`: `(agency_id, created_at)`.
pub fn open_filed_between(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Option<String>, NaiveDateTime)>> {
    let open: Vec<&str> = crate::domain::lifecycle::Status::OPEN
        .iter()
        .map(|s| s.as_str())
        .collect();
    // Ticket ids are UUIDv7 of the filing time: the id range finds the rows, the times decide.
    let last = to + chrono::Duration::milliseconds(1);
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::id.ge(crate::db::id_floor(from.and_utc())))
        .filter(tickets::id.lt(crate::db::id_floor(last.and_utc())))
        .filter(tickets::created_at.ge(from))
        .filter(tickets::created_at.lt(to))
        .filter(tickets::status.eq_any(open))
        .select((tickets::agency_id, tickets::created_at))
        .load(conn)
}

/// Clocks started in `[from, to)` counted by `(clock, state, agency_id, category_id)` of their
/// tickets.
pub fn clocks_started(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(ClockFact, i64)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        clock: String,
        #[diesel(sql_type = Text)]
        state: String,
        #[diesel(sql_type = Nullable<Text>)]
        agency_id: Option<String>,
        #[diesel(sql_type = Nullable<Text>)]
        category_id: Option<String>,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT c.clock, c.state, t.agency_id, t.category_id, CAST(COUNT(*) AS BIGINT) AS n \
         FROM ticket_clocks c JOIN tickets t ON t.id = c.ticket_id \
         WHERE c.jurisdiction_id = $1 AND c.started_at >= $2 AND c.started_at < $3 \
         GROUP BY c.clock, c.state, t.agency_id, t.category_id",
    )
    .bind::<Text, _>(jurisdiction_id)
    .bind::<Timestamp, _>(from)
    .bind::<Timestamp, _>(to)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ((r.clock, r.state, r.agency_id, r.category_id), r.n))
        .collect())
}

/// A category id and a region id, either missing.
pub type Area = (Option<String>, Option<String>);

/// Tickets filed in `[from, to)` counted by `(category_id, region_id)`.
pub fn filed_areas(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Area, i64)>> {
    use diesel::dsl::count_star;
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::id.ge(crate::db::id_floor(from.and_utc())))
        .filter(tickets::id.lt(crate::db::id_floor(to.and_utc())))
        .group_by((tickets::category_id, tickets::region_id))
        .select(((tickets::category_id, tickets::region_id), count_star()))
        .load(conn)
}

/// Where tickets filed in `[from, to)` with a place are: `(category_id, lat, lng)`.
pub fn filed_spots(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Option<String>, f64, f64)>> {
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::id.ge(crate::db::id_floor(from.and_utc())))
        .filter(tickets::id.lt(crate::db::id_floor(to.and_utc())))
        .filter(tickets::lat.is_not_null())
        .filter(tickets::lng.is_not_null())
        .select((
            tickets::category_id,
            tickets::lat.assume_not_null(),
            tickets::lng.assume_not_null(),
        ))
        .load(conn)
}

/// Route and return events before `to`, per ticket in order: `(ticket_id, action, at, data)`.
pub fn routing_events(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, String, NaiveDateTime, String)>> {
    ticket_events::table
        .filter(ticket_events::jurisdiction_id.eq(jurisdiction_id))
        .filter(ticket_events::at.lt(to))
        .filter(ticket_events::action.eq_any(["route", "return"]))
        .order((ticket_events::ticket_id.asc(), ticket_events::seq.asc()))
        .select((
            ticket_events::ticket_id,
            ticket_events::action,
            ticket_events::at,
            ticket_events::data,
        ))
        .load(conn)
}

/// A ticket of the planning table: `(id, status, category_id, region_id, lat, lng,
/// created_at)`.
pub type PlanningTicket = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<f64>,
    NaiveDateTime,
);

/// A resolve event: `(ticket_id, at)`.
pub type Fix = (String, NaiveDateTime);

/// Tickets now with agency `agency_id`, filed in `[from, to)` (UTC), and the times of their
/// `resolve` events: `(ticket_id, at)`, in order.
pub fn planning_tickets(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    agency_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<(Vec<PlanningTicket>, Vec<Fix>)> {
    let (floor, ceiling) = (
        crate::db::id_floor(from.and_utc()),
        crate::db::id_floor(to.and_utc()),
    );
    let rows = tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::agency_id.eq(agency_id))
        .filter(tickets::id.ge(&floor))
        .filter(tickets::id.lt(&ceiling))
        .select((
            tickets::id,
            tickets::status,
            tickets::category_id,
            tickets::region_id,
            tickets::lat,
            tickets::lng,
            tickets::created_at,
        ))
        .load(conn)?;
    let fixes = ticket_events::table
        .inner_join(tickets::table)
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::agency_id.eq(agency_id))
        .filter(tickets::id.ge(&floor))
        .filter(tickets::id.lt(&ceiling))
        .filter(ticket_events::action.eq("resolve"))
        .order((ticket_events::ticket_id.asc(), ticket_events::seq.asc()))
        .select((ticket_events::ticket_id, ticket_events::at))
        .load(conn)?;
    Ok((rows, fixes))
}
