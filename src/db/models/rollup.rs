//! The daily trend rollups (`ticket_rollups`): counters per jurisdiction, metric, dimension,
//! local day, key and stripe; and `rollup_state`, which says whether a jurisdiction's rollups
//! (and recap facts) are complete, and for which time zone. What the counters mean is the
//! service's (`service::rollups`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Text};

use crate::db::schema::{rollup_state, ticket_rollups};
use crate::db::{insert_batches, DbConnection};

/// One counter row.
#[derive(Debug, Insertable)]
#[diesel(table_name = ticket_rollups)]
pub struct RollupRow {
    pub jurisdiction_id: String,
    pub metric: &'static str,
    pub dim: &'static str,
    pub day: NaiveDate,
    pub key: String,
    pub stripe: i32,
    pub count: i64,
}

/// Adds `row.count` to its counter (made at that count when it is new).
pub fn add(conn: &mut DbConnection, row: &RollupRow) -> QueryResult<()> {
    use ticket_rollups::dsl as r;
    let target = (
        r::jurisdiction_id,
        r::metric,
        r::dim,
        r::day,
        r::key,
        r::stripe,
    );
    let n = row.count;
    // Upserts need the backend's own connection.
    match conn {
        DbConnection::Postgres(pg) => diesel::insert_into(r::ticket_rollups)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(r::count.eq(r::count + n))
            .execute(pg),
        DbConnection::Sqlite(lite) => diesel::insert_into(r::ticket_rollups)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(r::count.eq(r::count + n))
            .execute(lite),
    }
    .map(|_| ())
}

/// Adds `row.count` to its counter like `add` and gives the counter's new count: for a
/// counter kept in one row (stripe 0), where a writer must see every count it steps over.
pub fn add_and_read(conn: &mut DbConnection, row: &RollupRow) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    let sql = "INSERT INTO ticket_rollups (jurisdiction_id, metric, dim, day, key, stripe, count) \
               VALUES ($1, $2, $3, $4, $5, $6, $7) \
               ON CONFLICT (jurisdiction_id, metric, dim, day, key, stripe) \
               DO UPDATE SET count = ticket_rollups.count + excluded.count \
               RETURNING CAST(count AS BIGINT) AS count";
    let row: Count = diesel::sql_query(sql)
        .bind::<Text, _>(&row.jurisdiction_id)
        .bind::<Text, _>(row.metric)
        .bind::<Text, _>(row.dim)
        .bind::<Date, _>(row.day)
        .bind::<Text, _>(&row.key)
        .bind::<Integer, _>(row.stripe)
        .bind::<BigInt, _>(row.count)
        .get_result(conn)?;
    Ok(row.count)
}

/// Takes a jurisdiction's counters away before a rebuild writes them anew with `insert_all`,
/// in the same transaction. On PostgreSQL the table is locked against concurrent writers first,
/// so that a filing racing the rebuild waits and is counted once.
pub fn clear_for_rebuild(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        pg.batch_execute("LOCK TABLE ticket_rollups IN EXCLUSIVE MODE")?;
    }
    diesel::delete(
        ticket_rollups::table.filter(ticket_rollups::jurisdiction_id.eq(jurisdiction_id)),
    )
    .execute(conn)
    .map(|_| ())
}

pub fn insert_all(conn: &mut DbConnection, rows: &[RollupRow]) -> QueryResult<()> {
    insert_batches::<_, RollupRow>(conn, ticket_rollups::table, rows, 1000).map(|_| ())
}

/// Marks a jurisdiction's rollups complete for the time zone `timezone`.
pub fn mark_built(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    timezone: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    mark_incomplete(conn, jurisdiction_id)?;
    diesel::insert_into(rollup_state::table)
        .values((
            rollup_state::jurisdiction_id.eq(jurisdiction_id),
            rollup_state::timezone.eq(timezone),
            rollup_state::built_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Marks a jurisdiction's rollups incomplete.
pub fn mark_incomplete(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<()> {
    diesel::delete(rollup_state::table.filter(rollup_state::jurisdiction_id.eq(jurisdiction_id)))
        .execute(conn)
        .map(|_| ())
}

/// The time zone the jurisdiction's rollups were built for, when they are complete.
pub fn built_for(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Option<String>> {
    rollup_state::table
        .filter(rollup_state::jurisdiction_id.eq(jurisdiction_id))
        .select(rollup_state::timezone)
        .first(conn)
        .optional()
}

/// Refreshes the planner's statistics of the rollups and recap facts (and, on PostgreSQL,
/// their visibility maps, so that a recap's scans stay index-only). Outside any transaction.
pub fn analyse(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(pg) => {
            pg.batch_execute("VACUUM ANALYZE ticket_rollups, recap_facts, ticket_places, place_totals")
        }
        DbConnection::Sqlite(lite) => {
            lite.batch_execute(
                "ANALYZE ticket_rollups; ANALYZE recap_facts; ANALYZE ticket_places; ANALYZE place_totals",
            )
        }
    }
}

#[derive(QueryableByName)]
struct Cell {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The counts of `metric` and `dim` by key over the local days `[from, to]`, summed over days
/// and stripes; zero sums left out: for a period read whole, in as many rows as it has keys.
pub fn key_counts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    metric: &str,
    dim: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, i64)>> {
    sums_by(
        conn,
        "key",
        None,
        jurisdiction_id,
        (metric, dim),
        (from, to),
    )
}

/// `key_counts` for keys that end in a day (`…|YYYY-MM-DD`, or `…|` for none), where only
/// whether that day is on or after `since` matters: such a key comes back ending in `since`
/// when its day is on or after it, and ending in `|` when it is before — in as many rows as
/// there are keys without their day.
pub fn key_counts_since(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    (metric, dim): (&str, &str),
    (from, to): (NaiveDate, NaiveDate),
    since: NaiveDate,
) -> QueryResult<Vec<(String, i64)>> {
    // A day is the last ten characters of its key.
    let key = "CASE WHEN key LIKE '%|' THEN key \
                    WHEN substr(key, length(key) - 9) >= $1 \
                         THEN substr(key, 1, length(key) - 10) || $1 \
                    ELSE substr(key, 1, length(key) - 10) END";
    let since = since.to_string();
    sums_by(
        conn,
        key,
        Some(&since),
        jurisdiction_id,
        (metric, dim),
        (from, to),
    )
}

/// The counters of `metric` and `dim` over `[from, to]` summed by the expression `key_sql`
/// (of `key`, and of `$1` when `key_bind` is given); zero sums left out.
fn sums_by(
    conn: &mut DbConnection,
    key_sql: &str,
    key_bind: Option<&str>,
    jurisdiction_id: &str,
    (metric, dim): (&str, &str),
    (from, to): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<(String, i64)>> {
    #[derive(QueryableByName)]
    struct KeyCount {
        #[diesel(sql_type = Text)]
        k: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    // Parameters are numbered in the order they appear (SQLite numbers `$n` so): the key
    // expression's own first.
    let at = usize::from(key_bind.is_some());
    let sql = format!(
        "SELECT {key_sql} AS k, CAST(SUM(count) AS BIGINT) AS n FROM ticket_rollups \
         WHERE jurisdiction_id = ${} AND metric = ${} AND dim = ${} AND day >= ${} AND day <= ${} \
         GROUP BY 1",
        at + 1,
        at + 2,
        at + 3,
        at + 4,
        at + 5
    );
    let mut q =
        diesel::sql_query(sql).into_boxed::<'_, <DbConnection as diesel::Connection>::Backend>();
    if let Some(v) = key_bind {
        q = q.bind::<Text, _>(v.to_owned());
    }
    let rows: Vec<KeyCount> = q
        .bind::<Text, _>(jurisdiction_id)
        .bind::<Text, _>(metric)
        .bind::<Text, _>(dim)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.n != 0)
        .map(|r| (r.k, r.n))
        .collect())
}

/// The counts of `metric` by local day and key of `dim` over the local days `[from, to]`,
/// summed over stripes; zero sums left out. With `like`, only the keys matching one of those
/// `LIKE` patterns (a pre-filter: the caller decides exactly).
pub fn day_counts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    metric: &str,
    dim: &str,
    from: NaiveDate,
    to: NaiveDate,
    like: &[String],
) -> QueryResult<Vec<(NaiveDate, String, i64)>> {
    // Parameters are numbered in the order they appear (SQLite numbers `$n` so).
    let keys: Vec<String> = (0..like.len())
        .map(|i| format!("key LIKE ${}", i + 6))
        .collect();
    let keys = if keys.is_empty() {
        String::new()
    } else {
        format!(" AND ({})", keys.join(" OR "))
    };
    let sql = format!(
        "SELECT day, key, CAST(SUM(count) AS BIGINT) AS n FROM ticket_rollups \
         WHERE jurisdiction_id = $1 AND metric = $2 AND dim = $3 AND day >= $4 AND day <= $5{keys} \
         GROUP BY day, key"
    );
    let mut q = diesel::sql_query(sql)
        .into_boxed::<'_, <DbConnection as diesel::Connection>::Backend>()
        .bind::<Text, _>(jurisdiction_id)
        .bind::<Text, _>(metric)
        .bind::<Text, _>(dim)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to);
    for pattern in like {
        q = q.bind::<Text, _>(pattern.clone());
    }
    let rows: Vec<Cell> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.n != 0)
        .map(|r| (r.day, r.key, r.n))
        .collect())
}
