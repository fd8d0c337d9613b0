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

/// The totals from the largest down, `limit` of them after the first `offset`; ties in
/// category and cell order.
pub fn largest(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<PlaceTotal>> {
    place_totals::table
        .filter(place_totals::jurisdiction_id.eq(jurisdiction_id))
        .filter(place_totals::count.ge(2))
        .order((
            place_totals::count.desc(),
            place_totals::category_id.desc(),
            place_totals::cell.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .load(conn)
}

/// How many tickets of `category_id` were filed in `cell` in `[from, to)`.
pub fn filed_in(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    (category_id, cell): (&str, &str),
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<i64> {
    ticket_places::table
        .filter(ticket_places::jurisdiction_id.eq(jurisdiction_id))
        .filter(ticket_places::category_id.eq(category_id))
        .filter(ticket_places::cell.eq(cell))
        .filter(ticket_places::created_at.ge(from))
        .filter(ticket_places::created_at.lt(to))
        .count()
        .get_result(conn)
}
