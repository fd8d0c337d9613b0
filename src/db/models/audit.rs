//! The audit log: one row per admin action, never changed (triggers refuse UPDATE and DELETE).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Page;
use crate::db::schema::audit_log;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_null = true)]
pub struct AuditEntry {
    pub id: String,
    pub jurisdiction_id: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub client_ip: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &AuditEntry) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Filters of the audit log.
#[derive(Debug, Default, Clone)]
pub struct AuditQuery {
    /// An action (`user.update`) or a family of them (`user.`).
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// Newest first; `before` is the id the previous page ended with.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    q: &AuditQuery,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Page<AuditEntry>> {
    let mut query = audit_log::table
        .filter(audit_log::jurisdiction_id.eq(jurisdiction_id))
        .into_boxed();
    if let Some(a) = &q.action {
        query = match a.strip_suffix('.') {
            Some(family) => query.filter(audit_log::action.like(format!("{family}.%"))),
            None => query.filter(audit_log::action.eq(a.clone())),
        };
    }
    if let Some(a) = &q.actor_id {
        query = query.filter(audit_log::actor_id.eq(a.clone()));
    }
    if let Some(t) = &q.target_type {
        query = query.filter(audit_log::target_type.eq(t.clone()));
    }
    if let Some(t) = &q.target_id {
        query = query.filter(audit_log::target_id.eq(t.clone()));
    }
    if let Some(t) = q.since {
        query = query.filter(audit_log::created_at.ge(t));
    }
    if let Some(t) = q.until {
        query = query.filter(audit_log::created_at.lt(t));
    }
    if let Some(b) = before {
        query = query.filter(audit_log::id.lt(b.to_string()));
    }
    let rows = query
        .order(audit_log::id.desc())
        .limit(limit + 1)
        .select(AuditEntry::as_select())
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |r| r.id.clone()))
}
