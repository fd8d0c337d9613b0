//! Official social-media accounts of the regent and the agencies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Page;
use crate::db::schema::official_accounts;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = official_accounts)]
pub struct Account {
    pub id: String,
    pub jurisdiction_id: String,
    pub platform: String,
    pub handle: String,
    pub url: String,
    pub agency_id: Option<String>,
    pub leadership: bool,
    pub placeholder: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = official_accounts)]
pub struct AccountChanges {
    pub platform: Option<String>,
    pub handle: Option<String>,
    pub url: Option<String>,
    pub agency_id: Option<Option<String>>,
    pub leadership: Option<bool>,
    pub placeholder: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Default)]
pub struct AccountFilter {
    pub platform: Option<String>,
    pub agency_id: Option<String>,
    pub leadership: Option<bool>,
}

/// Accounts in the order they were added (ids are time-ordered), after the id `after`.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    filter: &AccountFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Account>> {
    let mut q = official_accounts::table
        .filter(official_accounts::jurisdiction_id.eq(jurisdiction_id))
        .select(Account::as_select())
        .into_boxed();
    if let Some(platform) = &filter.platform {
        q = q.filter(official_accounts::platform.eq(platform.clone()));
    }
    if let Some(agency) = &filter.agency_id {
        q = q.filter(official_accounts::agency_id.eq(agency.clone()));
    }
    if let Some(leadership) = filter.leadership {
        q = q.filter(official_accounts::leadership.eq(leadership));
    }
    if let Some(after) = after {
        q = q.filter(official_accounts::id.gt(after.to_string()));
    }
    let rows = q
        .order(official_accounts::id.asc())
        .limit(limit + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |a| a.id.clone()))
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Account>> {
    official_accounts::table
        .filter(official_accounts::jurisdiction_id.eq(jurisdiction_id))
        .filter(official_accounts::id.eq(id))
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_handle(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    platform: &str,
    handle: &str,
) -> QueryResult<Option<Account>> {
    official_accounts::table
        .filter(official_accounts::jurisdiction_id.eq(jurisdiction_id))
        .filter(official_accounts::platform.eq(platform))
        .filter(official_accounts::handle.eq(handle))
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &Account) -> QueryResult<()> {
    diesel::insert_into(official_accounts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
    changes: &AccountChanges,
) -> QueryResult<usize> {
    diesel::update(
        official_accounts::table
            .filter(official_accounts::jurisdiction_id.eq(jurisdiction_id))
            .filter(official_accounts::id.eq(id)),
    )
    .set(changes)
    .execute(conn)
}
