//! The SLA clocks of tickets (one row per ticket and clock).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::ticket_clocks;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = ticket_clocks, treat_none_as_null = true)]
pub struct ClockRow {
    pub ticket_id: String,
    pub clock: String,
    pub jurisdiction_id: String,
    pub state: String,
    pub target: i32,
    pub unit: String,
    pub started_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub stopped_at: Option<NaiveDateTime>,
    pub paused_at: Option<NaiveDateTime>,
}

pub fn for_ticket(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<Vec<ClockRow>> {
    ticket_clocks::table
        .filter(ticket_clocks::ticket_id.eq(ticket_id))
        .select(ClockRow::as_select())
        .load(conn)
}

pub fn for_tickets(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<ClockRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    ticket_clocks::table
        .filter(ticket_clocks::ticket_id.eq_any(ids))
        .select(ClockRow::as_select())
        .load(conn)
}

/// Inserts a clock that has never run (filing).
pub fn insert(conn: &mut DbConnection, row: &ClockRow) -> QueryResult<()> {
    diesel::insert_into(ticket_clocks::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Writes a clock: updates its row, or inserts it the first time.
pub fn save(conn: &mut DbConnection, row: &ClockRow) -> QueryResult<()> {
    let n = diesel::update(
        ticket_clocks::table
            .filter(ticket_clocks::ticket_id.eq(&row.ticket_id))
            .filter(ticket_clocks::clock.eq(&row.clock)),
    )
    .set(row)
    .execute(conn)?;
    if n == 0 {
        diesel::insert_into(ticket_clocks::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// A clock claimed for breaching: `(ticket_id, clock, jurisdiction_id, due_at)`.
pub type Claimed = (String, String, String, NaiveDateTime);

/// Running clocks whose due time has passed, oldest due first. On
/// PostgreSQL the rows are locked `FOR UPDATE SKIP LOCKED`, so that instances sharing the
/// database claim different clocks; SQLite has one writer at a time anyway.
pub fn claim_breaching(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    let q = ticket_clocks::table
        .filter(ticket_clocks::state.eq("running"))
        .filter(ticket_clocks::due_at.lt(now))
        .order(ticket_clocks::due_at.asc())
        .limit(limit)
        .select((
            ticket_clocks::ticket_id,
            ticket_clocks::clock,
            ticket_clocks::jurisdiction_id,
            ticket_clocks::due_at,
        ));
    match conn {
        DbConnection::Postgres(pg) => q.for_update().skip_locked().load(pg),
        DbConnection::Sqlite(lite) => q.load(lite),
    }
}

/// A clock as the recap facts read it: `(clock, state, due_at, stopped_at)`.
pub type ClockFacts = (String, String, NaiveDateTime, Option<NaiveDateTime>);

/// A ticket's clocks as the recap facts read them.
pub fn facts_of_ticket(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<Vec<ClockFacts>> {
    ticket_clocks::table
        .filter(ticket_clocks::ticket_id.eq(ticket_id))
        .select((
            ticket_clocks::clock,
            ticket_clocks::state,
            ticket_clocks::due_at,
            ticket_clocks::stopped_at,
        ))
        .load(conn)
}

/// The clocks of the tickets whose ids are in `[first, last]` (a page of a rebuild).
pub fn in_ticket_range(
    conn: &mut DbConnection,
    first: &str,
    last: &str,
) -> QueryResult<Vec<ClockRow>> {
    ticket_clocks::table
        .filter(ticket_clocks::ticket_id.ge(first))
        .filter(ticket_clocks::ticket_id.le(last))
        .select(ClockRow::as_select())
        .load(conn)
}

/// Marks a clock breached. With `stopped_at`, whatever its state (a clock left running on an
/// ended ticket is stopped there); without, only while it is still running. Gives the rows
/// changed.
pub fn mark_breached(
    conn: &mut DbConnection,
    ticket_id: &str,
    clock: &str,
    stopped_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    let row = ticket_clocks::table
        .filter(ticket_clocks::ticket_id.eq(ticket_id))
        .filter(ticket_clocks::clock.eq(clock));
    match stopped_at {
        Some(at) => diesel::update(row)
            .set((
                ticket_clocks::state.eq("breached"),
                ticket_clocks::stopped_at.eq(Some(at)),
            ))
            .execute(conn),
        None => diesel::update(row.filter(ticket_clocks::state.eq("running")))
            .set(ticket_clocks::state.eq("breached"))
            .execute(conn),
    }
}

/// Inserts many clocks, many per statement (bulk loads).
pub fn insert_many(conn: &mut DbConnection, rows: &[ClockRow]) -> QueryResult<()> {
    crate::db::insert_batches::<_, ClockRow>(conn, ticket_clocks::table, rows, 1500).map(|_| ())
}
