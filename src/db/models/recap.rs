//! Frozen recaps and the recap's weights per jurisdiction.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::Page;
use crate::db::schema::{recap_decisions, recap_weights, recaps};
use crate::db::DbConnection;
use crate::domain::recap::Weights;

/// A frozen recap: `body` is the computed recap as JSON, never changed after insert (the
/// database refuses updates and deletes).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recaps)]
pub struct Snapshot {
    pub id: String,
    pub jurisdiction_id: String,
    pub from_day: NaiveDate,
    pub to_day: NaiveDate,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub body: String,
}

/// The leader's decision on a frozen recap: the winners of the two boards and whether the
/// recap is public. Made once, never changed (the database refuses updates and deletes).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recap_decisions)]
pub struct Decision {
    pub recap_id: String,
    pub opd_winner: Option<String>,
    pub kecamatan_winner: Option<String>,
    pub published: bool,
    pub decided_by: String,
    pub decided_at: NaiveDateTime,
}

/// Stores `d` unless the recap was already decided; `false` then.
pub fn decide(conn: &mut DbConnection, d: &Decision) -> QueryResult<bool> {
    // Upserts need the backend's own connection.
    let q = diesel::insert_into(recap_decisions::table).values(d);
    match conn {
        DbConnection::Postgres(pg) => q.on_conflict_do_nothing().execute(pg),
        DbConnection::Sqlite(lite) => q.on_conflict_do_nothing().execute(lite),
    }
    .map(|n| n == 1)
}

pub fn decision(conn: &mut DbConnection, recap_id: &str) -> QueryResult<Option<Decision>> {
    recap_decisions::table
        .find(recap_id)
        .select(Decision::as_select())
        .first(conn)
        .optional()
}

/// A recap the leader published, by id alone (public pages know no jurisdiction).
pub fn published(conn: &mut DbConnection, id: &str) -> QueryResult<Option<(Snapshot, Decision)>> {
    recaps::table
        .inner_join(recap_decisions::table)
        .filter(recaps::id.eq(id))
        .filter(recap_decisions::published.eq(true))
        .select((Snapshot::as_select(), Decision::as_select()))
        .first(conn)
        .optional()
}

/// The jurisdiction's weights, or the defaults.
pub fn weights(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Weights> {
    let row: Option<(f64, f64, f64, f64, f64)> = recap_weights::table
        .filter(recap_weights::jurisdiction_id.eq(jurisdiction_id))
        .select((
            recap_weights::response,
            recap_weights::completion,
            recap_weights::clocks,
            recap_weights::patrols,
            recap_weights::activity,
        ))
        .first(conn)
        .optional()?;
    Ok(row
        .map(
            |(response, completion, clocks, patrols, activity)| Weights {
                response,
                completion,
                clocks,
                patrols,
                activity,
            },
        )
        .unwrap_or_default())
}

pub fn save_weights(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    w: &Weights,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(recap_weights::table.filter(recap_weights::jurisdiction_id.eq(jurisdiction_id)))
        .execute(conn)?;
    diesel::insert_into(recap_weights::table)
        .values((
            recap_weights::jurisdiction_id.eq(jurisdiction_id),
            recap_weights::response.eq(w.response),
            recap_weights::completion.eq(w.completion),
            recap_weights::clocks.eq(w.clocks),
            recap_weights::patrols.eq(w.patrols),
            recap_weights::activity.eq(w.activity),
            recap_weights::updated_by.eq(by),
            recap_weights::updated_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn insert(conn: &mut DbConnection, row: &Snapshot) -> QueryResult<()> {
    diesel::insert_into(recaps::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Snapshot>> {
    recaps::table
        .filter(recaps::jurisdiction_id.eq(jurisdiction_id))
        .filter(recaps::id.eq(id))
        .select(Snapshot::as_select())
        .first(conn)
        .optional()
}

/// Frozen recaps, newest first, after the id `after`; with `covering`, those whose period
/// holds that day.
pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    covering: Option<NaiveDate>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Snapshot>> {
    let mut q = recaps::table
        .filter(recaps::jurisdiction_id.eq(jurisdiction_id))
        .select(Snapshot::as_select())
        .into_boxed();
    if let Some(d) = covering {
        q = q
            .filter(recaps::from_day.le(d))
            .filter(recaps::to_day.ge(d));
    }
    if let Some(a) = after {
        q = q.filter(recaps::id.lt(a.to_string()));
    }
    let rows = q.order(recaps::id.desc()).limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(rows, limit, |s| s.id.clone()))
}
