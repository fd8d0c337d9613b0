//! Ticket events: the append-only audit trail (the database refuses updates and deletes).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{ticket_events, users};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
// Absent values are written as NULL (not DEFAULT), so the INSERT is one cached statement.
#[diesel(table_name = ticket_events, treat_none_as_null = true)]
pub struct Event {
    pub ticket_id: String,
    /// The ticket's version after the action: 1 for filing, then one more per action.
    pub seq: i32,
    pub jurisdiction_id: String,
    pub action: String,
    /// `None` for what aduan itself did (a breached deadline, a withdrawal).
    pub actor_id: Option<String>,
    pub at: NaiveDateTime,
    pub from_status: Option<String>,
    pub to_status: String,
    /// The action's data as a JSON object.
    pub data: String,
}

/// An event with its actor's username and role (none for aduan's own events).
pub type EventWithActor = (Event, Option<(String, String)>);

pub fn insert(conn: &mut DbConnection, row: &Event) -> QueryResult<()> {
    diesel::insert_into(ticket_events::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// A ticket's events, oldest first.
pub fn list_for_ticket(
    conn: &mut DbConnection,
    ticket_id: &str,
) -> QueryResult<Vec<EventWithActor>> {
    ticket_events::table
        .left_join(users::table)
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .order(ticket_events::seq.asc())
        .select((
            Event::as_select(),
            (users::username, users::role).nullable(),
        ))
        .load(conn)
}

/// The status changes of a ticket, oldest first: `(to_status, at)`.
pub fn milestones(
    conn: &mut DbConnection,
    ticket_id: &str,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let rows: Vec<(Option<String>, String, NaiveDateTime)> = ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .order(ticket_events::seq.asc())
        .select((
            ticket_events::from_status,
            ticket_events::to_status,
            ticket_events::at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(from, to, _)| from.as_deref() != Some(to.as_str()))
        .map(|(_, to, at)| (to, at))
        .collect())
}

/// An event as the projections read it: `(action, actor_id, at, data)`.
pub type EventFacts = (String, Option<String>, NaiveDateTime, String);

/// A ticket's events as the projections read them.
pub fn facts_of_ticket(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<Vec<EventFacts>> {
    ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .select((
            ticket_events::action,
            ticket_events::actor_id,
            ticket_events::at,
            ticket_events::data,
        ))
        .load(conn)
}

/// The `(action, at, data)` of a ticket's route and return events, in order.
pub fn routing_of(
    conn: &mut DbConnection,
    ticket_id: &str,
) -> QueryResult<Vec<(String, NaiveDateTime, String)>> {
    ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .filter(ticket_events::action.eq_any(["route", "return"]))
        .order(ticket_events::seq.asc())
        .select((
            ticket_events::action,
            ticket_events::at,
            ticket_events::data,
        ))
        .load(conn)
}

/// The `(action, at)` of a ticket's resolve and close events.
pub fn resolutions_of(
    conn: &mut DbConnection,
    ticket_id: &str,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .filter(ticket_events::action.eq_any(["resolve", "close"]))
        .select((ticket_events::action, ticket_events::at))
        .load(conn)
}

/// Every event of the tickets whose ids are in `[first, last]` (a page of a rebuild), with
/// its ticket's id, in order.
pub fn in_ticket_range(
    conn: &mut DbConnection,
    first: &str,
    last: &str,
) -> QueryResult<Vec<(String, EventFacts)>> {
    ticket_events::table
        .filter(ticket_events::ticket_id.ge(first))
        .filter(ticket_events::ticket_id.le(last))
        .order((ticket_events::ticket_id.asc(), ticket_events::seq.asc()))
        .select((
            ticket_events::ticket_id,
            (
                ticket_events::action,
                ticket_events::actor_id,
                ticket_events::at,
                ticket_events::data,
            ),
        ))
        .load(conn)
}

/// Inserts many events, many per statement (bulk loads).
pub fn insert_many(conn: &mut DbConnection, rows: &[Event]) -> QueryResult<()> {
    crate::db::insert_batches::<_, Event>(conn, ticket_events::table, rows, 2000).map(|_| ())
}
