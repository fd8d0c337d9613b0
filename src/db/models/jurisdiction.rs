//! Jurisdictions: the local governments one deployment hosts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::jurisdictions;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jurisdictions)]
pub struct Jurisdiction {
    pub id: String,
    pub code: String,
    pub short_code: String,
    pub name: String,
    pub timezone: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Jurisdiction> {
    jurisdictions::table
        .find(id)
        .select(Jurisdiction::as_select())
        .first(conn)
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Jurisdiction>> {
    jurisdictions::table
        .filter(jurisdictions::code.eq(code))
        .or_filter(jurisdictions::short_code.eq(code))
        .select(Jurisdiction::as_select())
        .first(conn)
        .optional()
}

/// The jurisdiction created first: the default for the bootstrap admin and the CLI.
pub fn first(conn: &mut DbConnection) -> QueryResult<Option<Jurisdiction>> {
    jurisdictions::table
        .order((jurisdictions::created_at.asc(), jurisdictions::id.asc()))
        .select(Jurisdiction::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    jurisdictions::table.count().get_result(conn)
}

pub fn insert(conn: &mut DbConnection, row: &Jurisdiction) -> QueryResult<()> {
    diesel::insert_into(jurisdictions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}
