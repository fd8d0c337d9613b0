//! Regions: kecamatan and their desa/kelurahan.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{contains_pattern, lower, Page};
use crate::db::schema::regions;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = regions)]
pub struct Region {
    pub id: String,
    pub jurisdiction_id: String,
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = regions)]
pub struct RegionChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub level: Option<String>,
    pub parent_id: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Default)]
pub struct RegionFilter {
    pub level: Option<String>,
    pub parent_id: Option<String>,
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    filter: &RegionFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Region>> {
    let mut q = regions::table
        .filter(regions::jurisdiction_id.eq(jurisdiction_id))
        .select(Region::as_select())
        .into_boxed();
    if let Some(level) = &filter.level {
        q = q.filter(regions::level.eq(level.clone()));
    }
    if let Some(parent) = &filter.parent_id {
        q = q.filter(regions::parent_id.eq(parent.clone()));
    }
    if let Some(text) = &filter.q {
        let p = contains_pattern(text);
        q = q.filter(
            lower(regions::name)
                .like(p.clone())
                .escape('\\')
                .or(regions::code.like(p).escape('\\')),
        );
    }
    if let Some(after) = after {
        q = q.filter(regions::code.gt(after.to_string()));
    }
    let rows = q.order(regions::code.asc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |r| r.code.clone()))
}

/// Codes of the given region ids (for showing `parent_code`).
pub fn codes_of(conn: &mut DbConnection, ids: &[String]) -> QueryResult<HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let pairs: Vec<(String, String)> = regions::table
        .filter(regions::id.eq_any(ids))
        .select((regions::id, regions::code))
        .load(conn)?;
    Ok(pairs.into_iter().collect())
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Region>> {
    regions::table
        .filter(regions::jurisdiction_id.eq(jurisdiction_id))
        .filter(regions::id.eq(id))
        .select(Region::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_code(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    code: &str,
) -> QueryResult<Option<Region>> {
    regions::table
        .filter(regions::jurisdiction_id.eq(jurisdiction_id))
        .filter(regions::code.eq(code))
        .select(Region::as_select())
        .first(conn)
        .optional()
}

pub fn has_children(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    let n: i64 = regions::table
        .filter(regions::parent_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(conn: &mut DbConnection, row: &Region) -> QueryResult<()> {
    diesel::insert_into(regions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
    changes: &RegionChanges,
) -> QueryResult<usize> {
    diesel::update(
        regions::table
            .filter(regions::jurisdiction_id.eq(jurisdiction_id))
            .filter(regions::id.eq(id)),
    )
    .set(changes)
    .execute(conn)
}

/// The ids of a region's children (the desa of a kecamatan).
pub fn child_ids(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<String>> {
    regions::table
        .filter(regions::parent_id.eq(id))
        .select(regions::id)
        .load(conn)
}

/// Every region of a jurisdiction, by code.
pub fn all(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Vec<Region>> {
    regions::table
        .filter(regions::jurisdiction_id.eq(jurisdiction_id))
        .order(regions::code.asc())
        .select(Region::as_select())
        .load(conn)
}

/// The kecamatan of region `id`: its parent, or itself when it has none.
pub fn kecamatan_of(conn: &mut DbConnection, id: &str) -> QueryResult<Option<String>> {
    let parent: Option<Option<String>> = regions::table
        .filter(regions::id.eq(id))
        .select(regions::parent_id)
        .first(conn)
        .optional()?;
    Ok(parent.map(|p| p.unwrap_or_else(|| id.to_string())))
}

/// The kecamatan of every region of a jurisdiction (a kecamatan's own id for itself).
pub fn kecamatan_ids(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
) -> QueryResult<HashMap<String, String>> {
    let rows: Vec<(String, Option<String>)> = regions::table
        .filter(regions::jurisdiction_id.eq(jurisdiction_id))
        .select((regions::id, regions::parent_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, parent)| {
            let kecamatan = parent.unwrap_or_else(|| id.clone());
            (id, kecamatan)
        })
        .collect())
}
