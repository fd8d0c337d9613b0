//! Divisions of an agency (bidang, seksi, UPTD).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Page;
use crate::db::schema::divisions;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = divisions)]
pub struct Division {
    pub id: String,
    pub jurisdiction_id: String,
    pub agency_id: String,
    pub code: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = divisions)]
pub struct DivisionChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// An agency's divisions ordered by code, after the code `after`.
pub fn list_for_agency(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    agency_id: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Division>> {
    let mut q = divisions::table
        .filter(divisions::jurisdiction_id.eq(jurisdiction_id))
        .filter(divisions::agency_id.eq(agency_id))
        .select(Division::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(divisions::code.gt(after.to_string()));
    }
    let rows = q.order(divisions::code.asc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |d| d.code.clone()))
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Division>> {
    divisions::table
        .filter(divisions::jurisdiction_id.eq(jurisdiction_id))
        .filter(divisions::id.eq(id))
        .select(Division::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_code(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    code: &str,
) -> QueryResult<Option<Division>> {
    divisions::table
        .filter(divisions::jurisdiction_id.eq(jurisdiction_id))
        .filter(divisions::code.eq(code))
        .select(Division::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &Division) -> QueryResult<()> {
    diesel::insert_into(divisions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
    changes: &DivisionChanges,
) -> QueryResult<usize> {
    diesel::update(
        divisions::table
            .filter(divisions::jurisdiction_id.eq(jurisdiction_id))
            .filter(divisions::id.eq(id)),
    )
    .set(changes)
    .execute(conn)
}

/// Every division of the jurisdiction's agencies, by agency and code (one query for a page
/// that names divisions of any agency).
pub fn all_in_jurisdiction(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
) -> QueryResult<Vec<Division>> {
    divisions::table
        .filter(divisions::jurisdiction_id.eq(jurisdiction_id))
        .order((divisions::agency_id.asc(), divisions::code.asc()))
        .select(Division::as_select())
        .load(conn)
}

/// Every division of an agency, by code.
pub fn all_of_agency(conn: &mut DbConnection, agency_id: &str) -> QueryResult<Vec<Division>> {
    divisions::table
        .filter(divisions::agency_id.eq(agency_id))
        .order(divisions::code.asc())
        .select(Division::as_select())
        .load(conn)
}
