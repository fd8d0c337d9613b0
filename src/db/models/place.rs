//! Where located tickets were filed (`ticket_places`: a ~100 m cell and the category, with the
//! filing time) and how many tickets each category × cell has had in all (`place_totals`, with
//! the first and last filing time among them). What they are for is the service's
//! (`service::places`).

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
    /// The first and last filing time of the place's tickets.
    pub first_at: Option<NaiveDateTime>,
    pub last_at: Option<NaiveDateTime>,
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

/// Counts one more ticket, filed at `filed_at`, in the total of `(category_id, cell)` (made at
/// one when it is new), widening the total's span to it.
pub fn add_one(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    (category_id, cell): (&str, &str),
    filed_at: NaiveDateTime,
) -> QueryResult<()> {
    use diesel::dsl::case_when;
    use diesel::upsert::excluded;
    use place_totals::dsl as p;
    let row = PlaceTotal {
        jurisdiction_id: jurisdiction_id.to_string(),
        category_id: category_id.to_string(),
        cell: cell.to_string(),
        count: 1,
        first_at: Some(filed_at),
        last_at: Some(filed_at),
    };
    let target = (p::jurisdiction_id, p::category_id, p::cell);
    let first = case_when(p::first_at.le(excluded(p::first_at)), p::first_at)
        .otherwise(excluded(p::first_at));
    let last =
        case_when(p::last_at.ge(excluded(p::last_at)), p::last_at).otherwise(excluded(p::last_at));
    let set = (
        p::count.eq(p::count + 1),
        p::first_at.eq(first),
        p::last_at.eq(last),
    );
    // Upserts need the backend's own connection.
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(p::place_totals)
            .values(&row)
            .on_conflict(target)
            .do_update()
            .set(set)
            .execute(pg),
        DbConnection::Sqlite(lite) => diesel::insert_into(p::place_totals)
            .values(&row)
            .on_conflict(target)
            .do_update()
            .set(set)
            .execute(lite),
    }
    .map(|_| ())
}

/// Counts one ticket fewer in the total of `(category_id, cell)`, its span read again from the
/// places left (the ticket's own place already removed).
pub fn remove_one(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    (category_id, cell): (&str, &str),
) -> QueryResult<()> {
    use diesel::dsl::{max, min};
    use place_totals::dsl as p;
    // On PostgreSQL, lock the total first: the update below then reads the places with a
    // snapshot taken after any filing into the same place that held the lock has committed
    // (a filing widens the span under that lock before it adds its place). SQLite writes one
    // transaction at a time.
    if let DbConnection::Postgres(pg) = conn {
        p::place_totals
            .find((jurisdiction_id, category_id, cell))
            .select(p::count)
            .for_update()
            .first::<i64>(pg)
            .optional()?;
    }
    let left = || {
        ticket_places::table
            .filter(ticket_places::jurisdiction_id.eq(jurisdiction_id))
            .filter(ticket_places::category_id.eq(category_id))
            .filter(ticket_places::cell.eq(cell))
    };
    diesel::update(p::place_totals.find((jurisdiction_id, category_id, cell)))
        .set((
            p::count.eq(p::count - 1),
            p::first_at.eq(left().select(min(ticket_places::created_at)).single_value()),
            p::last_at.eq(left().select(max(ticket_places::created_at)).single_value()),
        ))
        .execute(conn)
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
/// With `whole`, only the places all of whose tickets were filed in `[from, to)` (their count
/// is the total), read from the totals alone.
pub fn band_filed_in(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    total: i64,
    (from, to): (NaiveDateTime, NaiveDateTime),
    whole: bool,
) -> QueryResult<Vec<(String, String, i64)>> {
    if whole {
        return place_totals::table
            .filter(place_totals::jurisdiction_id.eq(jurisdiction_id))
            .filter(place_totals::count.eq(total))
            .filter(place_totals::first_at.ge(from))
            .filter(place_totals::last_at.lt(to))
            .select((
                place_totals::category_id,
                place_totals::cell,
                place_totals::count,
            ))
            .load(conn);
    }
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
