//! Where located tickets were filed (`ticket_places`: a ~100 m cell and the category, with the
//! filing time) and how many tickets each category × cell has had in all (`place_totals`).
//! What they are for is the service's (`service::places`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{place_totals, ticket_places};
use crate::db::{insert_batches, DbConnection};

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_places)]
pub struct TicketPlace {
    pub ticket_id: String,
    pub jurisdiction_id: String,
    /// '' for none.
    pub category_id: String,
    /// `lat:lng` in thousandths of a degree.
    pub cell: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, Queryable)]
#[diesel(table_name = place_totals)]
pub struct PlaceTotal {
    pub jurisdiction_id: String,
    pub category_id: String,
    pub cell: String,
    pub count: i64,
}

pub fn insert(conn: &mut DbConnection, row: &TicketPlace) -> QueryResult<()> {
    diesel::insert_into(ticket_places::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn remove(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<()> {
    diesel::delete(ticket_places::table.filter(ticket_places::ticket_id.eq(ticket_id)))
        .execute(conn)
        .map(|_| ())
}

/// Adds `row.count` to its total (made at that count when it is new).
pub fn add_total(conn: &mut DbConnection, row: &PlaceTotal) -> QueryResult<()> {
    use place_totals::dsl as p;
    let target = (p::jurisdiction_id, p::category_id, p::cell);
    let n = row.count;
    // Upserts need the backend's own connection.
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(p::place_totals)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(p::count.eq(p::count + n))
            .execute(pg),
        DbConnection::Sqlite(lite) => diesel::insert_into(p::place_totals)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(p::count.eq(p::count + n))
            .execute(lite),
    }
    .map(|_| ())
}

/// Takes a jurisdiction's places and totals away (before a rebuild writes them anew).
pub fn clear(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<()> {
    diesel::delete(ticket_places::table.filter(ticket_places::jurisdiction_id.eq(jurisdiction_id)))
        .execute(conn)?;
    diesel::delete(place_totals::table.filter(place_totals::jurisdiction_id.eq(jurisdiction_id)))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_all(conn: &mut DbConnection, rows: &[TicketPlace]) -> QueryResult<()> {
    insert_batches::<_, TicketPlace>(conn, ticket_places::table, rows, 1000).map(|_| ())
}

pub fn insert_totals(conn: &mut DbConnection, rows: &[PlaceTotal]) -> QueryResult<()> {
    insert_batches::<_, PlaceTotal>(conn, place_totals::table, rows, 1000).map(|_| ())
}

/// The largest total below `below` (any, when none) of two or more; none when there is no such.
pub fn next_total(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    below: Option<i64>,
) -> QueryResult<Option<i64>> {
    let mut q = place_totals::table
        .filter(place_totals::jurisdiction_id.eq(jurisdiction_id))
        .filter(place_totals::count.ge(2))
        .select(diesel::dsl::max(place_totals::count))
        .into_boxed();
    if let Some(b) = below {
        q = q.filter(place_totals::count.lt(b));
    }
    q.first::<Option<i64>>(conn)
}

/// For every place whose total is `total` (a band), how many of its tickets were filed in
/// `[from, to)` — those with any: one statement, each place's tickets read from the index.
pub fn band_filed_in(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    total: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, String, i64)>> {
    place_totals::table
        .inner_join(
            ticket_places::table.on(ticket_places::jurisdiction_id
                .eq(place_totals::jurisdiction_id)
                .and(ticket_places::category_id.eq(place_totals::category_id))
                .and(ticket_places::cell.eq(place_totals::cell))),
        )
        .filter(place_totals::jurisdiction_id.eq(jurisdiction_id))
        .filter(place_totals::count.eq(total))
        .filter(ticket_places::created_at.ge(from))
        .filter(ticket_places::created_at.lt(to))
        .group_by((place_totals::category_id, place_totals::cell))
        .select((
            place_totals::category_id,
            place_totals::cell,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}
