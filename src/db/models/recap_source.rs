//! What a recap counts, read straight from the tables: the people and agencies it has lines
//! for, the patrols and posts of a period, and — until the recap facts are built, and as the
//! definition they are tested against — the tickets, events and clocks themselves.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    activities, agencies, patrols, ticket_clocks, ticket_events, tickets, users,
};
use crate::db::{id_floor, DbConnection};

/// A user a recap may have a line for.
#[derive(Debug, Clone, Queryable)]
pub struct Person {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub agency_id: Option<String>,
    pub active: bool,
}

pub fn people(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Vec<Person>> {
    users::table
        .filter(users::jurisdiction_id.eq(jurisdiction_id))
        .select((
            users::id,
            users::username,
            users::display_name,
            users::role,
            users::agency_id,
            users::active,
        ))
        .load(conn)
}

/// `(id, code, name)` of every agency.
pub fn agencies(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
) -> QueryResult<Vec<(String, String, String)>> {
    agencies::table
        .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
        .select((agencies::id, agencies::code, agencies::name))
        .load(conn)
}

/// `(id, pic_id, agency_id)` of the patrols of the local days `[from, to]`.
pub fn patrols(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, String, String)>> {
    patrols::table
        .filter(patrols::jurisdiction_id.eq(jurisdiction_id))
        .filter(patrols::day.ge(from))
        .filter(patrols::day.le(to))
        .select((patrols::id, patrols::pic_id, patrols::agency_id))
        .load(conn)
}

/// `(id, kind, recorded_by, agency_id)` of the posts (reposts, own content) of `[start, end)`.
pub fn posts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<(String, String, String, String)>> {
    activities::table
        .filter(activities::jurisdiction_id.eq(jurisdiction_id))
        .filter(activities::posted_at.ge(start))
        .filter(activities::posted_at.lt(end))
        .select((
            activities::id,
            activities::kind,
            activities::recorded_by,
            activities::agency_id,
        ))
        .load(conn)
}

/// A ticket filed in the period: `(id, filed_by, status, created_at)`.
pub type Filed = (String, String, String, NaiveDateTime);

/// The tickets filed in `[start, end)` (ids are UUIDv7 of the filing time).
pub fn filed(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<Filed>> {
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::id.ge(id_floor(start.and_utc())))
        .filter(tickets::id.lt(id_floor(end.and_utc())))
        .select((
            tickets::id,
            tickets::filed_by,
            tickets::status,
            tickets::created_at,
        ))
        .load(conn)
}

/// `(ticket_id, at)` of the replies (and closes) to the tickets filed in `[start, end)`: one
/// range scan over the primary key (ticket_id first), as those tickets' ids are one range.
pub fn replies_to_filed(
    conn: &mut DbConnection,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    // (No jurisdiction filter: it would tempt PostgreSQL into also reading the action index;
    // only the filed tickets, all of one jurisdiction, are looked up in the answer.)
    ticket_events::table
        .filter(ticket_events::ticket_id.ge(id_floor(start.and_utc())))
        .filter(ticket_events::ticket_id.lt(id_floor(end.and_utc())))
        .filter(ticket_events::action.eq_any(["reply", "close"]))
        .select((ticket_events::ticket_id, ticket_events::at))
        .load(conn)
}

/// The tickets filed in `[start, end)` whose first_response clock was met (one range scan).
pub fn answered_in_time(
    conn: &mut DbConnection,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    ticket_clocks::table
        .filter(ticket_clocks::ticket_id.ge(id_floor(start.and_utc())))
        .filter(ticket_clocks::ticket_id.lt(id_floor(end.and_utc())))
        .filter(ticket_clocks::clock.eq("first_response"))
        .filter(ticket_clocks::state.eq("met"))
        .select(ticket_clocks::ticket_id)
        .load(conn)
}

/// An action in the period: `(ticket_id, action, actor_id, data, ticket's agency_id)`; the
/// agency only for reopens.
pub type ActionFact = (String, String, Option<String>, String, Option<String>);

/// The route, return, resolve, close and reopen events of `[start, end)`. The first four name
/// their agency in the event (or through the actor); only reopens need the ticket's current
/// agency, so only they join the tickets.
pub fn actions(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<ActionFact>> {
    let mut acts: Vec<ActionFact> = ticket_events::table
        .filter(ticket_events::jurisdiction_id.eq(jurisdiction_id))
        .filter(ticket_events::at.ge(start))
        .filter(ticket_events::at.lt(end))
        .filter(ticket_events::action.eq_any(["route", "return", "resolve", "close"]))
        .select((
            ticket_events::ticket_id,
            ticket_events::action,
            ticket_events::actor_id,
            ticket_events::data,
        ))
        .load::<(String, String, Option<String>, String)>(conn)?
        .into_iter()
        .map(|(t, a, by, d)| (t, a, by, d, None))
        .collect();
    acts.extend(
        ticket_events::table
            .inner_join(tickets::table)
            .filter(ticket_events::jurisdiction_id.eq(jurisdiction_id))
            .filter(ticket_events::at.ge(start))
            .filter(ticket_events::at.lt(end))
            .filter(ticket_events::action.eq("reopen"))
            .select((
                ticket_events::ticket_id,
                ticket_events::action,
                ticket_events::actor_id,
                ticket_events::data,
                tickets::agency_id,
            ))
            .load::<ActionFact>(conn)?,
    );
    Ok(acts)
}

/// A clock a recap counts: `(ticket_id, clock, state, ticket's filer, ticket's agency)`.
pub type ClockFact = (String, String, String, String, Option<String>);

/// The clocks (but verify, the coordinators') stopped in `[start, end)`, or breached in it and
/// still running. Two queries rather than one with OR, so that each uses its index.
pub fn clocks(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<ClockFact>> {
    let base = || {
        ticket_clocks::table
            .inner_join(tickets::table.on(tickets::id.eq(ticket_clocks::ticket_id)))
            .filter(ticket_clocks::jurisdiction_id.eq(jurisdiction_id))
            .filter(ticket_clocks::clock.ne("verify"))
            .select((
                ticket_clocks::ticket_id,
                ticket_clocks::clock,
                ticket_clocks::state,
                tickets::filed_by,
                tickets::agency_id,
            ))
            .into_boxed()
    };
    let mut clocks: Vec<ClockFact> = base()
        .filter(ticket_clocks::stopped_at.ge(start))
        .filter(ticket_clocks::stopped_at.lt(end))
        .load(conn)?;
    clocks.extend(
        base()
            .filter(ticket_clocks::state.eq("breached"))
            .filter(ticket_clocks::stopped_at.is_null())
            .filter(ticket_clocks::due_at.ge(start))
            .filter(ticket_clocks::due_at.lt(end))
            .load::<ClockFact>(conn)?,
    );
    Ok(clocks)
}
