//! API keys: what lets an external (Open311) client file requests. Only a key's SHA-256 is kept.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Page;
use crate::db::models::user::User;
use crate::db::schema::{api_keys, users};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: String,
    pub jurisdiction_id: String,
    /// The `api_client` user the key acts as.
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_by: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &ApiKey) -> QueryResult<()> {
    diesel::insert_into(api_keys::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Newest first, by id (UUIDv7).
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    include_revoked: bool,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Page<ApiKey>> {
    let mut q = api_keys::table
        .filter(api_keys::jurisdiction_id.eq(jurisdiction_id))
        .select(ApiKey::as_select())
        .into_boxed();
    if !include_revoked {
        q = q.filter(api_keys::revoked_at.is_null());
    }
    if let Some(before) = before {
        q = q.filter(api_keys::id.lt(before.to_string()));
    }
    let rows = q.order(api_keys::id.desc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |k| k.id.clone()))
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<ApiKey>> {
    api_keys::table
        .filter(api_keys::jurisdiction_id.eq(jurisdiction_id))
        .filter(api_keys::id.eq(id))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

/// The live key with this hash, and its user.
pub fn find_live_by_hash(
    conn: &mut DbConnection,
    key_hash: &str,
) -> QueryResult<Option<(ApiKey, User)>> {
    api_keys::table
        .inner_join(users::table.on(users::id.eq(api_keys::user_id)))
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .select((ApiKey::as_select(), User::as_select()))
        .first(conn)
        .optional()
}

/// Marks a key revoked (and its user inactive). Gives false when it was revoked already.
pub fn revoke(
    conn: &mut DbConnection,
    key: &ApiKey,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(&key.id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set((api_keys::revoked_at.eq(at), api_keys::revoked_by.eq(by)))
    .execute(conn)?;
    diesel::update(users::table.filter(users::id.eq(&key.user_id)))
        .set((users::active.eq(false), users::updated_at.eq(at)))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn touch(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
        .set(api_keys::last_used_at.eq(at))
        .execute(conn)
        .map(|_| ())
}
