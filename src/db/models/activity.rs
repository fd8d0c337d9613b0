//! The activity log: reposts of the leadership's posts and the agencies' own content.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Page;
use crate::db::schema::activities;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = activities, treat_none_as_null = true)]
pub struct Activity {
    pub id: String,
    pub jurisdiction_id: String,
    /// `repost` or `content`.
    pub kind: String,
    /// Canonical URL of the post.
    pub url: String,
    pub account_id: String,
    pub original_url: Option<String>,
    pub posted_at: NaiveDateTime,
    pub title: Option<String>,
    pub recorded_by: String,
    pub agency_id: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Default)]
pub struct ActivityFilter {
    pub kind: Option<String>,
    pub agency_id: Option<String>,
    pub recorded_by: Option<String>,
    pub posted_from: Option<NaiveDateTime>,
    pub posted_before: Option<NaiveDateTime>,
}

pub fn find_by_url(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    url: &str,
) -> QueryResult<Option<Activity>> {
    activities::table
        .filter(activities::jurisdiction_id.eq(jurisdiction_id))
        .filter(activities::url.eq(url))
        .select(Activity::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &Activity) -> QueryResult<()> {
    diesel::insert_into(activities::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Activities of the jurisdiction, newest record first, after the id `after`.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    filter: &ActivityFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Activity>> {
    let mut q = activities::table
        .filter(activities::jurisdiction_id.eq(jurisdiction_id))
        .select(Activity::as_select())
        .into_boxed();
    if let Some(k) = &filter.kind {
        q = q.filter(activities::kind.eq(k.clone()));
    }
    if let Some(a) = &filter.agency_id {
        q = q.filter(activities::agency_id.eq(a.clone()));
    }
    if let Some(u) = &filter.recorded_by {
        q = q.filter(activities::recorded_by.eq(u.clone()));
    }
    if let Some(f) = filter.posted_from {
        q = q.filter(activities::posted_at.ge(f));
    }
    if let Some(b) = filter.posted_before {
        q = q.filter(activities::posted_at.lt(b));
    }
    if let Some(a) = after {
        q = q.filter(activities::id.lt(a.to_string()));
    }
    let rows = q.order(activities::id.desc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |a| a.id.clone()))
}

/// The posts of `ids` in the jurisdiction.
pub fn by_ids(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    ids: &[String],
) -> QueryResult<Vec<Activity>> {
    activities::table
        .filter(activities::jurisdiction_id.eq(jurisdiction_id))
        .filter(activities::id.eq_any(ids))
        .order(activities::posted_at.asc())
        .select(Activity::as_select())
        .load(conn)
}
