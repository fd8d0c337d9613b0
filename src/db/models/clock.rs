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
