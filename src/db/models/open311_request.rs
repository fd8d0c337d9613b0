//! What an Open311 request brought besides its ticket: the key, the reporter's contact, answers
//! to the category's questions, media.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::event::Event;
use crate::db::models::ticket::Ticket;
use crate::db::schema::{agencies, open311_requests, ticket_events, tickets};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = open311_requests)]
pub struct Open311Request {
    pub ticket_id: String,
    pub jurisdiction_id: String,
    pub api_key_id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub address_id: Option<String>,
    pub media_url: Option<String>,
    pub attachment_id: Option<String>,
    /// JSON object: question code → answer.
    pub answers: String,
}

pub fn insert(conn: &mut DbConnection, row: &Open311Request) -> QueryResult<()> {
    diesel::insert_into(open311_requests::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    ticket_id: &str,
) -> QueryResult<Option<Open311Request>> {
    open311_requests::table
        .filter(open311_requests::jurisdiction_id.eq(jurisdiction_id))
        .filter(open311_requests::ticket_id.eq(ticket_id))
        .select(Open311Request::as_select())
        .first(conn)
        .optional()
}

/// `(ticket id, media_url)` of those of these tickets that came with a media URL.
pub fn media_urls(
    conn: &mut DbConnection,
    ticket_ids: &[String],
) -> QueryResult<Vec<(String, Option<String>)>> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    open311_requests::table
        .filter(open311_requests::ticket_id.eq_any(ticket_ids))
        .filter(open311_requests::media_url.is_not_null())
        .select((open311_requests::ticket_id, open311_requests::media_url))
        .load(conn)
}

/// Which public tickets an Open311 request list asks for.
#[derive(Debug, Default)]
pub struct RequestQuery {
    /// Tracking codes; when given, every other filter is ignored.
    pub codes: Vec<String>,
    pub category_ids: Option<Vec<String>>,
    pub statuses: Option<Vec<String>>,
    /// Filed at or after the time of this id, and before the time of `id_to`.
    pub id_from: String,
    pub id_to: String,
    pub offset: i64,
    pub limit: i64,
}

/// Tickets the public may see (not confidential), newest first.
pub fn public_tickets(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    q: &RequestQuery,
) -> QueryResult<Vec<Ticket>> {
    let mut b = tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::confidential.eq(false))
        .select(Ticket::as_select())
        .into_boxed();
    if !q.codes.is_empty() {
        b = b.filter(tickets::code.eq_any(q.codes.clone()));
    } else {
        b = b
            .filter(tickets::id.ge(q.id_from.clone()))
            .filter(tickets::id.lt(q.id_to.clone()));
        if let Some(ids) = &q.category_ids {
            b = b.filter(tickets::category_id.eq_any(ids.clone()));
        }
        if let Some(statuses) = &q.statuses {
            b = b.filter(tickets::status.eq_any(statuses.clone()));
        }
    }
    b.order(tickets::id.desc())
        .offset(q.offset)
        .limit(q.limit)
        .load(conn)
}

/// Names of the jurisdiction's agencies by id.
pub fn agency_names(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = agencies::table
        .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
        .select((agencies::id, agencies::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The events of these tickets with one of `actions`: `(ticket id, action, data)`.
pub fn events_of(
    conn: &mut DbConnection,
    ticket_ids: &[String],
    actions: &[&str],
) -> QueryResult<Vec<(String, String, String)>> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    ticket_events::table
        .filter(ticket_events::ticket_id.eq_any(ticket_ids))
        .filter(ticket_events::action.eq_any(actions))
        .order((ticket_events::ticket_id, ticket_events::seq))
        .select((
            ticket_events::ticket_id,
            ticket_events::action,
            ticket_events::data,
        ))
        .load(conn)
}

/// The published events of public tickets in `[from, to)`, oldest first, with the ticket's
/// code: one page of the update list.
pub fn public_updates(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    actions: &[&str],
    from: NaiveDateTime,
    to: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(Event, String)>> {
    ticket_events::table
        .inner_join(tickets::table)
        .filter(ticket_events::jurisdiction_id.eq(jurisdiction_id))
        .filter(ticket_events::at.ge(from))
        .filter(ticket_events::at.lt(to))
        .filter(ticket_events::action.eq_any(actions))
        .filter(tickets::confidential.eq(false))
        .order((
            ticket_events::at.asc(),
            ticket_events::ticket_id.asc(),
            ticket_events::seq.asc(),
        ))
        .offset(offset)
        .limit(limit)
        .select((Event::as_select(), tickets::code))
        .load(conn)
}
