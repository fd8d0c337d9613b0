//! Users: who signs in, with which role and scope.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{contains_pattern, lower, Page};
use crate::db::schema::users;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub jurisdiction_id: String,
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: String,
    pub agency_id: Option<String>,
    pub division_id: Option<String>,
    pub active: bool,
    pub token_version: i32,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub agency_id: Option<Option<String>>,
    pub division_id: Option<Option<String>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    pub token_version: Option<i32>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Default)]
pub struct UserFilter {
    pub role: Option<String>,
    pub agency_id: Option<String>,
    pub active: Option<bool>,
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    filter: &UserFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<User>> {
    let mut q = users::table
        .filter(users::jurisdiction_id.eq(jurisdiction_id))
        .select(User::as_select())
        .into_boxed();
    if let Some(role) = &filter.role {
        q = q.filter(users::role.eq(role.clone()));
    }
    if let Some(agency) = &filter.agency_id {
        q = q.filter(users::agency_id.eq(agency.clone()));
    }
    if let Some(active) = filter.active {
        q = q.filter(users::active.eq(active));
    }
    if let Some(text) = &filter.q {
        let p = contains_pattern(text);
        q = q.filter(
            users::username
                .like(p.clone())
                .escape('\\')
                .or(lower(users::display_name).like(p).escape('\\')),
        );
    }
    if let Some(after) = after {
        q = q.filter(users::username.gt(after.to_string()));
    }
    let rows = q.order(users::username.asc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |u| u.username.clone()))
}

/// A user by id, in any jurisdiction (the token names the jurisdiction; the caller compares).
/// A user with its jurisdiction, in one query (every request's sign-in check).
pub fn find_with_jurisdiction(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Option<(User, crate::db::models::jurisdiction::Jurisdiction)>> {
    use crate::db::models::jurisdiction::Jurisdiction;
    use crate::db::schema::jurisdictions;
    users::table
        .inner_join(jurisdictions::table)
        .filter(users::id.eq(id))
        .select((User::as_select(), Jurisdiction::as_select()))
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, jurisdiction_id: &str, id: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::jurisdiction_id.eq(jurisdiction_id))
        .filter(users::id.eq(id))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Usernames are unique in the whole deployment and stored lowercase.
pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(username.to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// The display names of the users `ids` of the jurisdiction, by id.
pub fn names_of(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = users::table
        .filter(users::jurisdiction_id.eq(jurisdiction_id))
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn count_active_admins(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<i64> {
    users::table
        .filter(users::jurisdiction_id.eq(jurisdiction_id))
        .filter(users::role.eq("admin"))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)
}

pub fn insert(conn: &mut DbConnection, row: &User) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update(conn: &mut DbConnection, id: &str, changes: &UserChanges) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::id.eq(id)))
        .set(changes)
        .execute(conn)
}

pub fn touch_login(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::id.eq(id)))
        .set(users::last_login_at.eq(Some(at)))
        .execute(conn)
}

/// Ends every session of the user: tokens issued before stop working.
pub fn bump_token_version(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)
}
