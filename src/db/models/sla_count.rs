//! The SLA counters (`sla_counts`): clocks by local start day or month, clock, state, and the ticket's
//! agency and category ('' for none). What they mean is the service's (`service::sla_counts`).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use super::analytics::ClockFact;
use crate::db::schema::sla_counts;
use crate::db::{insert_batches, DbConnection};
use crate::domain::analytics::key_id;

/// One counter row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Insertable)]
#[diesel(table_name = sla_counts)]
pub struct SlaCountRow {
    pub jurisdiction_id: String,
    /// `day`, or `month` (with `day` the month's first).
    pub span: &'static str,
    pub day: NaiveDate,
    pub clock: String,
    pub state: String,
    pub agency_id: String,
    pub category_id: String,
    pub count: i64,
}

/// Adds `row.count` to its counter (made at that count when it is new).
pub fn add(conn: &mut DbConnection, row: &SlaCountRow) -> QueryResult<()> {
    use sla_counts::dsl as s;
    let target = (
        s::jurisdiction_id,
        s::span,
        s::day,
        s::clock,
        s::state,
        s::agency_id,
        s::category_id,
    );
    let n = row.count;
    // Upserts need the backend's own connection.
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(s::sla_counts)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(s::count.eq(s::count + n))
            .execute(pg),
        DbConnection::Sqlite(lite) => diesel::insert_into(s::sla_counts)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(s::count.eq(s::count + n))
            .execute(lite),
    }
    .map(|_| ())
}

/// Takes a jurisdiction's counters away before a rebuild (which locked the projections).
pub fn clear(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<()> {
    diesel::delete(sla_counts::table.filter(sla_counts::jurisdiction_id.eq(jurisdiction_id)))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_all(conn: &mut DbConnection, rows: &[SlaCountRow]) -> QueryResult<()> {
    insert_batches::<_, SlaCountRow>(conn, sla_counts::table, rows, 1000).map(|_| ())
}

/// The clocks started on the local days `[from, to]` of `span` rows (for months: the months
/// whose first days are in it), counted by `(clock, state, agency_id, category_id)`; zero
/// sums left out.
pub fn started(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    span: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(ClockFact, i64)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        clock: String,
        #[diesel(sql_type = Text)]
        state: String,
        #[diesel(sql_type = Text)]
        agency_id: String,
        #[diesel(sql_type = Text)]
        category_id: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT clock, state, agency_id, category_id, CAST(SUM(count) AS BIGINT) AS n \
         FROM sla_counts WHERE jurisdiction_id = $1 AND span = $2 AND day >= $3 AND day <= $4 \
         GROUP BY clock, state, agency_id, category_id",
    )
    .bind::<Text, _>(jurisdiction_id)
    .bind::<Text, _>(span)
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.n != 0)
        .map(|r| {
            (
                (
                    r.clock,
                    r.state,
                    key_id(&r.agency_id),
                    key_id(&r.category_id),
                ),
                r.n,
            )
        })
        .collect())
}
