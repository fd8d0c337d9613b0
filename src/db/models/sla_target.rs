//! SLA targets: the jurisdiction's default (scope `default`) and per-category overrides
//! (scope = the category id). A clock without a row falls back to the built-in default.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::sla_targets;
use crate::db::DbConnection;

pub const DEFAULT_SCOPE: &str = "default";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sla_targets)]
pub struct SlaTarget {
    pub jurisdiction_id: String,
    pub scope: String,
    pub clock: String,
    pub enabled: bool,
    pub target: i32,
    pub unit: String,
    pub updated_at: NaiveDateTime,
}

/// Every row of the jurisdiction, by scope then clock.
pub fn all(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Vec<SlaTarget>> {
    sla_targets::table
        .filter(sla_targets::jurisdiction_id.eq(jurisdiction_id))
        .order((sla_targets::scope.asc(), sla_targets::clock.asc()))
        .select(SlaTarget::as_select())
        .load(conn)
}

/// The rows that apply to a ticket of `category_id`: the default scope and the category's.
pub fn for_category(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    category_id: Option<&str>,
) -> QueryResult<Vec<SlaTarget>> {
    let scopes: Vec<&str> = std::iter::once(DEFAULT_SCOPE).chain(category_id).collect();
    sla_targets::table
        .filter(sla_targets::jurisdiction_id.eq(jurisdiction_id))
        .filter(sla_targets::scope.eq_any(scopes))
        .select(SlaTarget::as_select())
        .load(conn)
}

/// Replaces a scope's rows.
pub fn replace(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    scope: &str,
    rows: &[SlaTarget],
) -> QueryResult<()> {
    delete_scope(conn, jurisdiction_id, scope)?;
    for r in rows {
        diesel::insert_into(sla_targets::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_scope(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    scope: &str,
) -> QueryResult<usize> {
    diesel::delete(
        sla_targets::table
            .filter(sla_targets::jurisdiction_id.eq(jurisdiction_id))
            .filter(sla_targets::scope.eq(scope)),
    )
    .execute(conn)
}
