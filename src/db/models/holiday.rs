//! Holidays of a jurisdiction's calendar (national, cuti bersama, local).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::holidays;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = holidays)]
pub struct Holiday {
    pub id: String,
    pub jurisdiction_id: String,
    pub date: NaiveDate,
    pub kind: String,
    pub name: String,
    /// `seed`, `manual` or `ical`.
    pub source: String,
    pub created_at: NaiveDateTime,
}

/// Holidays in `[from, to]`, by date then name.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> QueryResult<Vec<Holiday>> {
    let mut q = holidays::table
        .filter(holidays::jurisdiction_id.eq(jurisdiction_id))
        .into_boxed();
    if let Some(f) = from {
        q = q.filter(holidays::date.ge(f));
    }
    if let Some(t) = to {
        q = q.filter(holidays::date.le(t));
    }
    q.order((holidays::date.asc(), holidays::name.asc()))
        .select(Holiday::as_select())
        .load(conn)
}

/// The days off from `from` on (what a due time can reach).
pub fn dates_from(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
) -> QueryResult<Vec<NaiveDate>> {
    holidays::table
        .filter(holidays::jurisdiction_id.eq(jurisdiction_id))
        .filter(holidays::date.ge(from))
        .select(holidays::date)
        .distinct()
        .load(conn)
}

pub fn exists(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    date: NaiveDate,
    name: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        holidays::table
            .filter(holidays::jurisdiction_id.eq(jurisdiction_id))
            .filter(holidays::date.eq(date))
            .filter(holidays::name.eq(name)),
    ))
    .get_result(conn)
}

pub fn insert(conn: &mut DbConnection, row: &Holiday) -> QueryResult<()> {
    diesel::insert_into(holidays::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Holiday>> {
    holidays::table
        .filter(holidays::jurisdiction_id.eq(jurisdiction_id))
        .filter(holidays::id.eq(id))
        .select(Holiday::as_select())
        .first(conn)
        .optional()
}

pub fn delete(conn: &mut DbConnection, jurisdiction_id: &str, id: &str) -> QueryResult<usize> {
    diesel::delete(
        holidays::table
            .filter(holidays::jurisdiction_id.eq(jurisdiction_id))
            .filter(holidays::id.eq(id)),
    )
    .execute(conn)
}
