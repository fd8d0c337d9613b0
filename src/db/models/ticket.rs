//! Tickets: the row, the queries, the tracking-code counter and the list with its filters.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

use super::Page;
use crate::db::schema::tickets;
use crate::db::DbConnection;
use crate::domain::lifecycle::{Status, TicketFacts, Visibility};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
// Absent values are written as NULL (not DEFAULT), so the INSERT is one cached statement.
#[diesel(table_name = tickets, treat_none_as_null = true)]
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
    /// The earliest due time of the clocks still counting (kept by `crate::service::clocks`).
    pub next_due_at: Option<NaiveDateTime>,
}

impl Ticket {
    /// The ticket's status (one aduan does not know reads as `new`).
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::New)
    }

    /// The ticket as the policy sees it. Holds do not change who sees a ticket, only what may
    /// be done to it: `on_hold` matters for deciding actions.
    pub fn facts(&self, on_hold: bool) -> TicketFacts<'_> {
        TicketFacts {
            status: self.status(),
            agency_id: self.agency_id.as_deref(),
            division_id: self.division_id.as_deref(),
            filed_by: &self.filed_by,
            on_hold,
        }
    }
}

/// What the projections need of a ticket (its recap facts and trend keys).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tickets)]
pub struct TicketStub {
    pub id: String,
    pub jurisdiction_id: String,
    pub status: String,
    pub filed_by: String,
    pub created_at: NaiveDateTime,
    pub category_id: Option<String>,
    pub region_id: Option<String>,
    pub agency_id: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

impl From<&Ticket> for TicketStub {
    fn from(t: &Ticket) -> TicketStub {
        TicketStub {
            id: t.id.clone(),
            jurisdiction_id: t.jurisdiction_id.clone(),
            status: t.status.clone(),
            filed_by: t.filed_by.clone(),
            created_at: t.created_at,
            category_id: t.category_id.clone(),
            region_id: t.region_id.clone(),
            agency_id: t.agency_id.clone(),
            lat: t.lat,
            lng: t.lng,
        }
    }
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
    pub next_due_at: Option<Option<NaiveDateTime>>,
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
    /// Only tickets this user filed.
    pub filed_by: Option<String>,
    /// Words that must all occur in title, description or comment text (whole words, any case).
    pub words: Vec<String>,
    /// Ids are UUIDv7 made from the filing time, so time bounds are id bounds.
    pub id_from: Option<String>,
    pub id_before: Option<String>,
    /// Only tickets with a clock still counting that is due before this time (overdue lists
    /// pass "now").
    pub due_before: Option<NaiveDateTime>,
    /// Most urgent first (by the earliest due time of the clocks still counting, then id),
    /// instead of newest first; tickets with no counting clock are left out.
    pub by_due: bool,
}

/// The cursor key of a ticket in a list sorted by due time: `<due>|<id>`.
pub fn due_key(t: &Ticket) -> String {
    let due = t
        .next_due_at
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
        .unwrap_or_default();
    format!("{due}|{}", t.id)
}

/// Reads a [`due_key`]; `None` when it is not one.
pub fn parse_due_key(key: &str) -> Option<(NaiveDateTime, String)> {
    let (due, id) = key.split_once('|')?;
    let due = NaiveDateTime::parse_from_str(due, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    uuid::Uuid::parse_str(id).ok()?;
    Some((due, id.to_string()))
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
/// prefix names the jurisdiction). The jurisdictions are named so that PostgreSQL, which cannot
/// skip the first column of the `(jurisdiction_id, code)` index, looks the code up once per
/// jurisdiction instead of reading every ticket.
pub fn find_by_code_anywhere(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Ticket>> {
    use crate::db::schema::jurisdictions;
    tickets::table
        .filter(tickets::jurisdiction_id.eq_any(jurisdictions::table.select(jurisdictions::id)))
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

/// Gives a closed ticket's comment key up to a new complaint with the same words.
pub fn retire_comment_key(conn: &mut DbConnection, id: &str, retired: &str) -> QueryResult<usize> {
    diesel::update(tickets::table.find(id))
        .set(tickets::comment_key.eq(retired))
        .execute(conn)
}

pub fn id_by_comment_key(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    key: &str,
) -> QueryResult<Option<String>> {
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::comment_key.eq(key))
        .select(tickets::id)
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
/// transaction (so a rolled-back filing gives its number back). An upsert on both backends; on
/// PostgreSQL through the query builder, so that it is a cached prepared statement (one round
/// trip), on SQLite as the same SQL text (SQLite ≥ 3.35 knows `ON CONFLICT … RETURNING`).
pub fn next_code_number(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    year: i32,
) -> QueryResult<i32> {
    use crate::db::schema::ticket_counters::dsl as tc;
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(tc::ticket_counters)
            .values((
                tc::jurisdiction_id.eq(jurisdiction_id),
                tc::year.eq(year),
                tc::last.eq(1),
            ))
            .on_conflict((tc::jurisdiction_id, tc::year))
            .do_update()
            .set(tc::last.eq(tc::last + 1))
            .returning(tc::last)
            .get_result(pg),
        DbConnection::Sqlite(_) => diesel::sql_query(
            "INSERT INTO ticket_counters (jurisdiction_id, year, last) VALUES ($1, $2, 1) \
             ON CONFLICT (jurisdiction_id, year) DO UPDATE SET last = ticket_counters.last + 1 \
             RETURNING last",
        )
        .bind::<Text, _>(jurisdiction_id)
        .bind::<Integer, _>(year)
        .get_result::<Last>(conn)
        .map(|r| r.last),
    }
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
    let tuning = SearchTuning::default();
    list_tuned(
        conn,
        jurisdiction_id,
        visibility,
        filter,
        after,
        limit,
        tuning,
    )
}

/// How a text search chooses its way; [`list`] uses the defaults, tests use small numbers to
/// drive every way on little data.
#[derive(Debug, Clone, Copy)]
pub struct SearchTuning {
    /// On PostgreSQL, first look for a page among this many newest tickets.
    pub window: i64,
    /// Searches matching at most this many tickets are served from the search index alone.
    pub cap: usize,
}

impl Default for SearchTuning {
    fn default() -> Self {
        SearchTuning {
            window: 5_000,
            cap: 10_000,
        }
    }
}

/// How a text search narrows a list.
enum Search {
    None,
    /// Every ticket that matches (few enough to list by id).
    Ids(Vec<String>),
    /// Test each row as the list walks the tickets newest first.
    Condition,
}

/// [`list`] with the search thresholds as a parameter.
///
/// The planner cannot tell a common word from a rare one (it guesses the same number of matches
/// for any word it has no statistics for), so a text search decides itself:
/// 1. on PostgreSQL, walk the newest `window` tickets testing each: a common word fills a page
///    there at once;
/// 2. otherwise ask the search index for up to `cap + 1` matches: a rare word is listed from
///    those ids;
/// 3. otherwise (many matches, but old ones) walk all tickets newest first.
pub fn list_tuned(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    visibility: &Visibility,
    filter: &TicketFilter,
    after: Option<&str>,
    limit: i64,
    tuning: SearchTuning,
) -> QueryResult<Page<Ticket>> {
    let run = |conn: &mut DbConnection, search: Search, floor: Option<String>| {
        let filtered = Filtered {
            filter,
            search: &search,
            floor,
        };
        list_visible(conn, jurisdiction_id, visibility, &filtered, after, limit)
    };
    if filter.words.is_empty() {
        return run(conn, Search::None, None);
    }
    if let (DbConnection::Postgres(_), false) = (&*conn, filter.by_due) {
        match window_floor(conn, jurisdiction_id, after, tuning.window)? {
            // Few tickets in all: walking them is the quickest.
            None => return run(conn, Search::Condition, None),
            Some(floor) => {
                let page = run(conn, Search::Condition, Some(floor))?;
                if page.next_after.is_some() {
                    return Ok(page);
                }
            }
        }
    }
    match search_ids(conn, jurisdiction_id, &filter.words, tuning.cap)? {
        Some(ids) => run(conn, Search::Ids(ids), None),
        None => run(conn, Search::Condition, None),
    }
}

/// The id of the `window`-th newest ticket (before `after`), or `None` when there are fewer.
fn window_floor(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    after: Option<&str>,
    window: i64,
) -> QueryResult<Option<String>> {
    let mut q = tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .select(tickets::id)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(tickets::id.lt(after.to_string()));
    }
    q.order(tickets::id.desc())
        .offset(window.max(1) - 1)
        .limit(1)
        .first(conn)
        .optional()
}

fn list_visible(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    visibility: &Visibility,
    filter: &Filtered,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Ticket>> {
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
            if filter.filter.by_due {
                rows.sort_by(|a, b| (a.next_due_at, &a.id).cmp(&(b.next_due_at, &b.id)));
            } else {
                rows.sort_by(|a, b| b.id.cmp(&a.id));
            }
            rows.dedup_by(|a, b| a.id == b.id);
            rows
        }
        Visibility::Nothing => vec![],
    };
    if filter.filter.by_due {
        Ok(Page::from_rows(rows, limit, due_key))
    } else {
        Ok(Page::from_rows(rows, limit, |t| t.id.clone()))
    }
}

struct Filtered<'a> {
    filter: &'a TicketFilter,
    search: &'a Search,
    /// Only tickets at or after this id (the newest window of a search).
    floor: Option<String>,
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
    if let Some(u) = &filter.filed_by {
        q = q.filter(tickets::filed_by.eq(u.clone()));
    }
    if let Some(from) = &filter.id_from {
        q = q.filter(tickets::id.ge(from.clone()));
    }
    if let Some(before) = &filter.id_before {
        q = q.filter(tickets::id.lt(before.clone()));
    }
    if let Some(due) = filter.due_before {
        q = q.filter(tickets::next_due_at.lt(due));
    }
    if filter.by_due {
        q = q.filter(tickets::next_due_at.is_not_null());
        if let Some((due, id)) = after.and_then(parse_due_key) {
            q = q.filter(
                tickets::next_due_at
                    .gt(due)
                    .or(tickets::next_due_at.eq(due).and(tickets::id.gt(id))),
            );
        }
    } else if let Some(after) = after {
        q = q.filter(tickets::id.lt(after.to_string()));
    }
    if let Some(floor) = &filtered.floor {
        q = q.filter(tickets::id.ge(floor.clone()));
    }
    match filtered.search {
        Search::None => {}
        Search::Ids(ids) if ids.is_empty() => return Ok(vec![]),
        Search::Ids(ids) => q = q.filter(tickets::id.eq_any(ids.clone())),
        Search::Condition => q = q.filter(search_condition(conn, &filter.words)),
    }
    if filter.by_due {
        return q
            .order((tickets::next_due_at.asc(), tickets::id.asc()))
            .limit(limit + 1)
            .load(conn);
    }
    q.order(tickets::id.desc()).limit(limit + 1).load(conn)
}

/// The projections' view of one ticket.
pub fn stub(conn: &mut DbConnection, id: &str) -> QueryResult<Option<TicketStub>> {
    tickets::table
        .filter(tickets::id.eq(id))
        .select(TicketStub::as_select())
        .first(conn)
        .optional()
}

/// A page of a jurisdiction's tickets for a rebuild, in id order after `after`.
pub fn stubs_after(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<TicketStub>> {
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::id.gt(after))
        .order(tickets::id.asc())
        .limit(limit)
        .select(TicketStub::as_select())
        .load(conn)
}

/// Inserts many tickets, many per statement (bulk loads).
pub fn insert_many(conn: &mut DbConnection, rows: &[Ticket]) -> QueryResult<()> {
    crate::db::insert_batches::<_, Ticket>(conn, tickets::table, rows, 500).map(|_| ())
}

/// The code and title of each of `ids` in the jurisdiction (missing ids are left out).
pub fn labels(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::id.eq_any(ids))
        .select((tickets::id, tickets::code, tickets::title))
        .load(conn)
}
