//! Agencies (OPD): dinas, badan, bagian, kecamatan offices.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{contains_pattern, lower, Page};
use crate::db::schema::agencies;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agencies)]
pub struct Agency {
    pub id: String,
    pub jurisdiction_id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = agencies)]
pub struct AgencyChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Default)]
pub struct AgencyFilter {
    pub kind: Option<String>,
    pub q: Option<String>,
}

/// Agencies ordered by code, after the code `after`.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    filter: &AgencyFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Agency>> {
    let mut q = agencies::table
        .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
        .select(Agency::as_select())
        .into_boxed();
    if let Some(kind) = &filter.kind {
        q = q.filter(agencies::kind.eq(kind.clone()));
    }
    if let Some(text) = &filter.q {
        let p = contains_pattern(text);
        q = q.filter(
            lower(agencies::name)
                .like(p.clone())
                .escape('\\')
                .or(agencies::code.like(p).escape('\\')),
        );
    }
    if let Some(after) = after {
        q = q.filter(agencies::code.gt(after.to_string()));
    }
    let rows = q.order(agencies::code.asc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |a| a.code.clone()))
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Agency>> {
    agencies::table
        .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
        .filter(agencies::id.eq(id))
        .select(Agency::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_code(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    code: &str,
) -> QueryResult<Option<Agency>> {
    agencies::table
        .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
        .filter(agencies::code.eq(code))
        .select(Agency::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &Agency) -> QueryResult<()> {
    diesel::insert_into(agencies::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
    changes: &AgencyChanges,
) -> QueryResult<usize> {
    diesel::update(
        agencies::table
            .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
            .filter(agencies::id.eq(id)),
    )
    .set(changes)
    .execute(conn)
}

/// Every agency of a jurisdiction, by code.
pub fn all(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Vec<Agency>> {
    agencies::table
        .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
        .order(agencies::code.asc())
        .select(Agency::as_select())
        .load(conn)
}
