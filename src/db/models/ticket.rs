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
    /// Words that must all occur in title, description or comment text (whole words, any case).
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
        DbConnection::Postgres(_) => ("tickets.search @@ to_tsquery('simple', ", pg_tsquery(words)),
        DbConnection::Sqlite(_) => (
            "tickets.id IN (SELECT ticket_id FROM ticket_search WHERE ticket_search MATCH ",
            fts5_query(words),
        ),
    };
    Box::new(
        diesel::dsl::sql::<Bool>(prefix)
            .bind::<Text, _>(query)
            .sql(")"),
    )
}

/// The rows a list starts from, before the filters.
enum Base<'a> {
    All,
    Agency(&'a str),
    FiledBy(&'a str),
    Division(&'a str),
}

/// Tickets the caller sees, newest first, after the id `after`.
///
/// "Their agency's or filed by them" is two index-ordered queries merged here, rather than one
/// `OR` that no single index can serve in id order.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    visibility: &Visibility,
    filter: &TicketFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Ticket>> {
    list_with_cap(
        conn,
        jurisdiction_id,
        visibility,
        filter,
        after,
        limit,
        SEARCH_CAP,
    )
}

/// Text searches matching at most this many tickets are served from the search index alone.
pub const SEARCH_CAP: usize = 10_000;

/// How a text search narrows a list.
enum Search {
    None,
    /// Every ticket that matches (few enough to list by id).
    Ids(Vec<String>),
    /// Too many matches to list: test each row as the list walks the tickets in id order.
    Condition,
}

/// [`list`], with the threshold between the two ways of searching as a parameter.
///
/// A rare word is found fastest through the search index, then sorted; a common one by walking
/// the tickets newest first and testing each. The planner cannot tell the two apart (it guesses
/// the same number of matches for any word it has no statistics for), so we ask the index for
/// up to `cap + 1` matches first and choose.
pub fn list_with_cap(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    visibility: &Visibility,
    filter: &TicketFilter,
    after: Option<&str>,
    limit: i64,
    cap: usize,
) -> QueryResult<Page<Ticket>> {
    let search = if filter.words.is_empty() {
        Search::None
    } else {
        match search_ids(conn, jurisdiction_id, &filter.words, cap)? {
            Some(ids) => Search::Ids(ids),
            None => Search::Condition,
        }
    };
    let filter = &Filtered {
        filter,
        search: &search,
    };
    let rows = match visibility {
        Visibility::All => list_from(conn, jurisdiction_id, Base::All, filter, after, limit)?,
        Visibility::Division { division_id } => list_from(
            conn,
            jurisdiction_id,
            Base::Division(division_id),
            filter,
            after,
            limit,
        )?,
        Visibility::AgencyOrFiled { agency_id, user_id } => {
            let mut rows = list_from(
                conn,
                jurisdiction_id,
                Base::Agency(agency_id),
                filter,
                after,
                limit,
            )?;
            rows.extend(list_from(
                conn,
                jurisdiction_id,
                Base::FiledBy(user_id),
                filter,
                after,
                limit,
            )?);
            rows.sort_by(|a, b| b.id.cmp(&a.id));
            rows.dedup_by(|a, b| a.id == b.id);
            rows
        }
        Visibility::Nothing => vec![],
    };
    Ok(Page::from_rows(rows, limit, |t| t.id.clone()))
}

struct Filtered<'a> {
    filter: &'a TicketFilter,
    search: &'a Search,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// The ids of the tickets matching all `words`, or `None` when there are more than `cap`.
fn search_ids(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    words: &[String],
    cap: usize,
) -> QueryResult<Option<Vec<String>>> {
    let take = cap as i64 + 1;
    let rows: Vec<IdRow> = match conn {
        DbConnection::Postgres(_) => diesel::sql_query(
            "SELECT id FROM tickets WHERE jurisdiction_id = $1 \
             AND search @@ to_tsquery('simple', $2) LIMIT $3",
        )
        .bind::<Text, _>(jurisdiction_id)
        .bind::<Text, _>(pg_tsquery(words))
        .bind::<diesel::sql_types::BigInt, _>(take)
        .load(conn)?,
        // The jurisdiction is checked by the list query itself.
        DbConnection::Sqlite(_) => diesel::sql_query(
            "SELECT ticket_id AS id FROM ticket_search WHERE ticket_search MATCH $1 LIMIT $2",
        )
        .bind::<Text, _>(fts5_query(words))
        .bind::<diesel::sql_types::BigInt, _>(take)
        .load(conn)?,
    };
    Ok((rows.len() <= cap).then(|| rows.into_iter().map(|r| r.id).collect()))
}

/// `word & word`: whole words, all of them (the words hold only letters and digits).
fn pg_tsquery(words: &[String]) -> String {
    words.join(" & ")
}

/// `"word" "word"`: whole words, all of them.
fn fts5_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Up to `limit + 1` tickets from `base` matching `filter`, newest first.
fn list_from(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    base: Base,
    filtered: &Filtered,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Ticket>> {
    let filter = filtered.filter;
    let mut q = tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .select(Ticket::as_select())
        .into_boxed();
    match base {
        Base::All => {}
        Base::Agency(a) => q = q.filter(tickets::agency_id.eq(a.to_string())),
        Base::FiledBy(u) => q = q.filter(tickets::filed_by.eq(u.to_string())),
        Base::Division(d) => q = q.filter(tickets::division_id.eq(d.to_string())),
    }
    // One value as `=`, so that an index serves it in id order (`= ANY(…)` is not).
    match filter.statuses.as_slice() {
        [] => {}
        [one] => q = q.filter(tickets::status.eq(one.clone())),
        many => q = q.filter(tickets::status.eq_any(many.to_vec())),
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
    match filter.region_ids.as_slice() {
        [] => {}
        [one] => q = q.filter(tickets::region_id.eq(one.clone())),
        many => q = q.filter(tickets::region_id.eq_any(many.to_vec())),
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
    match filtered.search {
        Search::None => {}
        Search::Ids(ids) if ids.is_empty() => return Ok(vec![]),
        Search::Ids(ids) => q = q.filter(tickets::id.eq_any(ids.clone())),
        Search::Condition => q = q.filter(search_condition(conn, &filter.words)),
    }
    q.order(tickets::id.desc()).limit(limit + 1).load(conn)
}
