//! Webhooks and their outbox of deliveries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Page;
use crate::db::schema::{webhook_deliveries, webhooks};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    pub id: String,
    pub jurisdiction_id: String,
    pub url: String,
    /// Kept as given: it signs every delivery (HMAC needs the secret itself); never shown
    /// after the webhook was created.
    pub secret: String,
    /// Comma-separated event names, or `*`.
    pub events: String,
    pub active: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Webhook {
    pub fn wants(&self, event: &str) -> bool {
        self.active && (self.events == "*" || self.events.split(',').any(|e| e == event))
    }
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = webhooks)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub secret: Option<String>,
    pub events: Option<String>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries, treat_none_as_null = true)]
pub struct Delivery {
    pub id: String,
    pub webhook_id: String,
    pub jurisdiction_id: String,
    pub event: String,
    pub ticket_id: String,
    pub payload: String,
    /// `pending`, `delivered` or `failed` (given up after the retry period).
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

pub fn list(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Vec<Webhook>> {
    webhooks::table
        .filter(webhooks::jurisdiction_id.eq(jurisdiction_id))
        .filter(webhooks::deleted_at.is_null())
        .order(webhooks::id.asc())
        .select(Webhook::as_select())
        .load(conn)
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Webhook>> {
    webhooks::table
        .filter(webhooks::jurisdiction_id.eq(jurisdiction_id))
        .filter(webhooks::id.eq(id))
        .filter(webhooks::deleted_at.is_null())
        .select(Webhook::as_select())
        .first(conn)
        .optional()
}

/// A webhook, deleted or not (whose delivery log stays readable).
pub fn find_with_deleted(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Webhook>> {
    webhooks::table
        .filter(webhooks::jurisdiction_id.eq(jurisdiction_id))
        .filter(webhooks::id.eq(id))
        .select(Webhook::as_select())
        .first(conn)
        .optional()
}

pub fn find_any(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Webhook>> {
    webhooks::table
        .find(id)
        .filter(webhooks::deleted_at.is_null())
        .select(Webhook::as_select())
        .first(conn)
        .optional()
}

pub fn active(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Vec<Webhook>> {
    webhooks::table
        .filter(webhooks::jurisdiction_id.eq(jurisdiction_id))
        .filter(webhooks::active.eq(true))
        .filter(webhooks::deleted_at.is_null())
        .select(Webhook::as_select())
        .load(conn)
}

pub fn insert(conn: &mut DbConnection, row: &Webhook) -> QueryResult<()> {
    diesel::insert_into(webhooks::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update(conn: &mut DbConnection, id: &str, changes: &WebhookChanges) -> QueryResult<usize> {
    diesel::update(webhooks::table.find(id))
        .set(changes)
        .execute(conn)
}

/// Deletes a webhook: it stops receiving (its pending deliveries fail with the reason) and
/// disappears from the list; its row and delivery log stay, for the record.
pub fn delete(conn: &mut DbConnection, jurisdiction_id: &str, id: &str) -> QueryResult<usize> {
    let now = crate::db::now();
    let n = diesel::update(
        webhooks::table
            .filter(webhooks::jurisdiction_id.eq(jurisdiction_id))
            .filter(webhooks::id.eq(id))
            .filter(webhooks::deleted_at.is_null()),
    )
    .set((
        webhooks::deleted_at.eq(now),
        webhooks::active.eq(false),
        webhooks::updated_at.eq(now),
    ))
    .execute(conn)?;
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(id))
            .filter(webhook_deliveries::state.eq("pending")),
    )
    .set((
        webhook_deliveries::state.eq("failed"),
        webhook_deliveries::last_error.eq("the webhook was deleted"),
    ))
    .execute(conn)?;
    Ok(n)
}

pub fn insert_delivery(conn: &mut DbConnection, row: &Delivery) -> QueryResult<()> {
    diesel::insert_into(webhook_deliveries::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// A webhook's deliveries, newest first, after the cursor `before` (a delivery id), with an
/// optional state.
pub fn deliveries(
    conn: &mut DbConnection,
    webhook_id: &str,
    state: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Delivery>> {
    let mut q = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .into_boxed();
    if let Some(s) = state {
        q = q.filter(webhook_deliveries::state.eq(s.to_string()));
    }
    if let Some(b) = before {
        q = q.filter(webhook_deliveries::id.lt(b.to_string()));
    }
    let rows = q
        .order(webhook_deliveries::id.desc())
        .limit(limit + 1)
        .select(Delivery::as_select())
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |d| d.id.clone()))
}

/// Pending deliveries whose time has come, oldest first, claimed for `lease` by moving their
/// next attempt to `lease_until`: another instance (or this one after a crash) takes them
/// again only when the lease runs out. On PostgreSQL the rows are read `FOR UPDATE SKIP
/// LOCKED`, so that instances claim different rows.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    let q = || {
        webhook_deliveries::table
            .filter(webhook_deliveries::state.eq("pending"))
            .filter(webhook_deliveries::next_attempt_at.le(now))
            // A paused webhook's deliveries wait.
            .filter(
                webhook_deliveries::webhook_id.eq_any(
                    webhooks::table
                        .filter(webhooks::active.eq(true))
                        .select(webhooks::id),
                ),
            )
            .order(webhook_deliveries::next_attempt_at.asc())
            .limit(limit)
    };
    let rows = match conn {
        DbConnection::Postgres(pg) => q()
            .select(Delivery::as_select())
            .for_update()
            .skip_locked()
            .load(pg)?,
        DbConnection::Sqlite(lite) => q().select(Delivery::as_select()).load(lite)?,
    };
    let ids: Vec<&str> = rows.iter().map(|d| d.id.as_str()).collect();
    if !ids.is_empty() {
        diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(ids)))
            .set(webhook_deliveries::next_attempt_at.eq(lease_until))
            .execute(conn)?;
    }
    Ok(rows)
}

/// Records the outcome of one attempt.
#[allow(clippy::too_many_arguments)]
pub fn record_attempt(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    attempts: i32,
    at: NaiveDateTime,
    next_attempt_at: NaiveDateTime,
    response_status: Option<i32>,
    error: Option<String>,
) -> QueryResult<usize> {
    let delivered_at = (state == "delivered").then_some(at);
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::state.eq(state),
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::last_attempt_at.eq(Some(at)),
            webhook_deliveries::next_attempt_at.eq(next_attempt_at),
            webhook_deliveries::response_status.eq(response_status),
            webhook_deliveries::last_error.eq(error),
            webhook_deliveries::delivered_at.eq(delivered_at),
        ))
        .execute(conn)
}

pub fn find_delivery(
    conn: &mut DbConnection,
    webhook_id: &str,
    id: &str,
) -> QueryResult<Option<Delivery>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .filter(webhook_deliveries::id.eq(id))
        .select(Delivery::as_select())
        .first(conn)
        .optional()
}

/// Makes a delivery pending again from `now`, with a fresh retry period.
pub fn requeue(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::state.eq("pending"),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::created_at.eq(now),
        ))
        .execute(conn)
}
