//! Patrol slots of a jurisdiction and the PICs' patrol check-ins.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::Page;
use crate::db::schema::{patrol_slots, patrols};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = patrol_slots)]
pub struct SlotRow {
    pub jurisdiction_id: String,
    pub name: String,
    pub at_time: String,
    pub window_minutes: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = patrols, treat_none_as_null = true)]
pub struct Patrol {
    pub id: String,
    pub jurisdiction_id: String,
    pub pic_id: String,
    pub agency_id: String,
    pub slot: String,
    pub day: NaiveDate,
    pub started_at: NaiveDateTime,
    /// JSON array of official account ids.
    pub accounts_checked: String,
    pub comments_reviewed: Option<i32>,
    pub notes: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Which patrols a list holds.
#[derive(Debug, Default)]
pub struct PatrolFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub agency_id: Option<String>,
    pub pic_id: Option<String>,
}

pub fn slots(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Vec<SlotRow>> {
    patrol_slots::table
        .filter(patrol_slots::jurisdiction_id.eq(jurisdiction_id))
        .order(patrol_slots::at_time.asc())
        .select(SlotRow::as_select())
        .load(conn)
}

pub fn replace_slots(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    rows: &[SlotRow],
) -> QueryResult<()> {
    diesel::delete(patrol_slots::table.filter(patrol_slots::jurisdiction_id.eq(jurisdiction_id)))
        .execute(conn)?;
    for r in rows {
        diesel::insert_into(patrol_slots::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_same(
    conn: &mut DbConnection,
    pic_id: &str,
    slot: &str,
    day: NaiveDate,
) -> QueryResult<Option<Patrol>> {
    patrols::table
        .filter(patrols::pic_id.eq(pic_id))
        .filter(patrols::slot.eq(slot))
        .filter(patrols::day.eq(day))
        .select(Patrol::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &Patrol) -> QueryResult<()> {
    diesel::insert_into(patrols::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Patrols of the jurisdiction, newest first, after the id `after`.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    filter: &PatrolFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Patrol>> {
    let mut q = patrols::table
        .filter(patrols::jurisdiction_id.eq(jurisdiction_id))
        .select(Patrol::as_select())
        .into_boxed();
    if let Some(f) = filter.from {
        q = q.filter(patrols::day.ge(f));
    }
    if let Some(t) = filter.to {
        q = q.filter(patrols::day.le(t));
    }
    if let Some(a) = &filter.agency_id {
        q = q.filter(patrols::agency_id.eq(a.clone()));
    }
    if let Some(p) = &filter.pic_id {
        q = q.filter(patrols::pic_id.eq(p.clone()));
    }
    if let Some(a) = after {
        q = q.filter(patrols::id.lt(a.to_string()));
    }
    let rows = q.order(patrols::id.desc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |p| p.id.clone()))
}

/// The patrols of `ids` in the jurisdiction.
pub fn by_ids(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    ids: &[String],
) -> QueryResult<Vec<Patrol>> {
    patrols::table
        .filter(patrols::jurisdiction_id.eq(jurisdiction_id))
        .filter(patrols::id.eq_any(ids))
        .order((patrols::day.asc(), patrols::started_at.asc()))
        .select(Patrol::as_select())
        .load(conn)
}
