//! Tickets on hold, waiting for the complainant's information.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::ticket_holds;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ticket_holds)]
pub struct Hold {
    pub ticket_id: String,
    pub jurisdiction_id: String,
    pub held_at: NaiveDateTime,
    pub held_by: String,
    pub reason: String,
}

pub fn find(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<Option<Hold>> {
    ticket_holds::table
        .find(ticket_id)
        .select(Hold::as_select())
        .first(conn)
        .optional()
}

pub fn for_tickets(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<Hold>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    ticket_holds::table
        .filter(ticket_holds::ticket_id.eq_any(ids))
        .select(Hold::as_select())
        .load(conn)
}

pub fn insert(conn: &mut DbConnection, row: &Hold) -> QueryResult<()> {
    diesel::insert_into(ticket_holds::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<usize> {
    diesel::delete(ticket_holds::table.find(ticket_id)).execute(conn)
}

/// Holds of one jurisdiction older than `before`: the tickets to withdraw (locked on
/// PostgreSQL with `SKIP LOCKED`, as for clocks).
pub fn claim_expired(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    let q = ticket_holds::table
        .filter(ticket_holds::jurisdiction_id.eq(jurisdiction_id))
        .filter(ticket_holds::held_at.lt(before))
        .order(ticket_holds::held_at.asc())
        .limit(limit)
        .select(ticket_holds::ticket_id);
    match conn {
        DbConnection::Postgres(pg) => q.for_update().skip_locked().load(pg),
        DbConnection::Sqlite(lite) => q.load(lite),
    }
}
