//! Tickets: the row, the queries, the tracking-code counter and the list with its filters.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

use super::Page;
use crate::db::schema::tickets;
use crate::db::DbConnection;
use crate::domain::lifecycle::Visibility;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tickets)]
pub struct Ticket {
    pub id: String,
    pub jurisdiction_id: String,
    pub code: String,
    pub status: String,
    pub title: String,
    pub description: Option<String>,
    pub category_id: Option<String>,
    pub region_id: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub address: Option<String>,
    pub agency_id: Option<String>,
    pub division_id: Option<String>,
    pub assignee_id: Option<String>,
    pub suggested_agency_id: Option<String>,
    pub platform: String,
    pub comment_url: Option<String>,
    pub comment_key: String,
    pub post_url: Option<String>,
    pub account: Option<String>,
    pub author: Option<String>,
    pub commented_at: Option<NaiveDateTime>,
    pub comment_text: String,
    pub anonymous: bool,
    pub confidential: bool,
    pub reply_url: Option<String>,
    pub resolution: Option<String>,
    pub filed_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an action changes. `None` leaves a column as it is; `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = tickets)]
pub struct TicketChanges {
    pub status: Option<String>,
    pub agency_id: Option<Option<String>>,
    pub division_id: Option<Option<String>>,
    pub assignee_id: Option<Option<String>>,
    pub reply_url: Option<Option<String>>,
    pub resolution: Option<Option<String>>,
    pub version: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

/// The filters of `GET /tickets`, resolved to ids.
#[derive(Debug, Default)]
pub struct TicketFilter {
    pub statuses: Vec<String>,
    pub agency_id: Option<String>,
    pub division_id: Option<String>,
    pub category_id: Option<String>,
    /// A region and, for a kecamatan, its desa.
    pub region_ids: Vec<String>,
    pub platform: Option<String>,
    /// Words that must all occur (as word prefixes) in title, description or comment text.
    pub words: Vec<String>,
    /// Ids are UUIDv7 made from the filing time, so time bounds are id bounds.
    pub id_from: Option<String>,
    pub id_before: Option<String>,
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::id.eq(id))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_code(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    code: &str,
) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::code.eq(code))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

/// A ticket by its code in any jurisdiction (for the public status page, where the code's
/// prefix names the jurisdiction).
pub fn find_by_code_anywhere(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::code.eq(code))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_comment_key(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    key: &str,
) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::comment_key.eq(key))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &Ticket) -> QueryResult<()> {
    diesel::insert_into(tickets::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Applies `changes` if the ticket is still at `version`; gives the number of rows changed
/// (0 when another request changed it first).
pub fn update_at_version(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
    version: i32,
    changes: &TicketChanges,
) -> QueryResult<usize> {
    diesel::update(
        tickets::table
            .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
            .filter(tickets::id.eq(id))
            .filter(tickets::version.eq(version)),
    )
    .set(changes)
    .execute(conn)
}

#[derive(QueryableByName)]
struct Last {
    #[diesel(sql_type = Integer)]
    last: i32,
}

/// The next number of the jurisdiction's tracking codes for `year`, counted in the caller's
/// transaction (so a rolled-back filing gives its number back). The same SQL runs on both
/// backends (SQLite ≥ 3.35 and PostgreSQL know `ON CONFLICT … RETURNING`).
pub fn next_code_number(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    year: i32,
) -> QueryResult<i32> {
    diesel::sql_query(
        "INSERT INTO ticket_counters (jurisdiction_id, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (jurisdiction_id, year) DO UPDATE SET last = ticket_counters.last + 1 \
         RETURNING last",
    )
    .bind::<Text, _>(jurisdiction_id)
    .bind::<Integer, _>(year)
    .get_result::<Last>(conn)
    .map(|r| r.last)
}

/// The text-search condition, per backend: PostgreSQL's tsvector column, SQLite's FTS5 table.
fn search_condition(
    conn: &DbConnection,
    words: &[String],
) -> Box<dyn BoxableExpression<tickets::table, crate::db::MultiBackend, SqlType = Bool>> {
    let (prefix, query) = match conn {
        DbConnection::Postgres(_) => (
            "tickets.search @@ to_tsquery('simple', ",
            words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & "),
        ),
        DbConnection::Sqlite(_) => (
            "tickets.id IN (SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH ",
            words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    Box::new(
        diesel::dsl::sql::<Bool>(prefix)
            .bind::<Text, _>(query)
            .sql(")"),
    )
}

/// Tickets the caller sees, newest first, after the id `after`.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    visibility: &Visibility,
    filter: &TicketFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Ticket>> {
    let mut q = tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .select(Ticket::as_select())
        .into_boxed();
    match visibility {
        Visibility::All => {}
        Visibility::AgencyOrFiled { agency_id, user_id } => {
            q = q.filter(
                tickets::agency_id
                    .eq(agency_id.clone())
                    .or(tickets::filed_by.eq(user_id.clone())),
            )
        }
        Visibility::Division { division_id } => {
            q = q.filter(tickets::division_id.eq(division_id.clone()))
        }
        Visibility::Nothing => {
            return Ok(Page::from_rows(vec![], limit, |t: &Ticket| t.id.clone()))
        }
    }
    if !filter.statuses.is_empty() {
        q = q.filter(tickets::status.eq_any(filter.statuses.clone()));
    }
    if let Some(a) = &filter.agency_id {
        q = q.filter(tickets::agency_id.eq(a.clone()));
    }
    if let Some(d) = &filter.division_id {
        q = q.filter(tickets::division_id.eq(d.clone()));
    }
    if let Some(c) = &filter.category_id {
        q = q.filter(tickets::category_id.eq(c.clone()));
    }
    if !filter.region_ids.is_empty() {
        q = q.filter(tickets::region_id.eq_any(filter.region_ids.clone()));
    }
    if let Some(p) = &filter.platform {
        q = q.filter(tickets::platform.eq(p.clone()));
    }
    if let Some(from) = &filter.id_from {
        q = q.filter(tickets::id.ge(from.clone()));
    }
    if let Some(before) = &filter.id_before {
        q = q.filter(tickets::id.lt(before.clone()));
    }
    if let Some(after) = after {
        q = q.filter(tickets::id.lt(after.to_string()));
    }
    if !filter.words.is_empty() {
        q = q.filter(search_condition(conn, &filter.words));
    }
    let rows = q.order(tickets::id.desc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |t| t.id.clone()))
}
