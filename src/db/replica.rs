//! Reads that may lag: `ADUAN_READ_DATABASE_URL` names replicas (PostgreSQL standbys) for the
//! heavy reads that do not show a user their own last write — analytics, recaps, the planner
//! dashboard, the public pages ([`Db::read_lagging`]). Every other read stays on the primary,
//! so the page a user sees after an action always holds it.
//!
//! A replica is used only while it is close behind the primary: before each read one round
//! trip measures its replay lag, and one further behind than `ADUAN_READ_MAX_LAG_MS` — or not
//! streaming from a primary at all, so that its lag cannot be known — is left alone for a
//! moment and the read goes to the primary instead. A replica that cannot be reached is
//! treated the same way. The primary pool never holds a standby (see `ConnectionManager`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;

use super::{held, lost, ConnectionManager, Db, DbConnection, DbError, Pool};

/// How long reads keep off the replicas after one was found behind or unreachable.
const AVOID_FOR: Duration = Duration::from_secs(2);
/// How long a read waits for a replica connection before it goes to the primary.
const CHECKOUT_WAIT: Duration = Duration::from_millis(500);

/// The replica pool and what it last showed.
pub(super) struct Replica {
    pool: Pool,
    max_lag_ms: i64,
    avoid_until: Mutex<Option<Instant>>,
}

impl Replica {
    fn avoided(&self) -> bool {
        let until = self.avoid_until.lock().unwrap_or_else(|p| p.into_inner());
        until.is_some_and(|t| Instant::now() < t)
    }

    fn avoid(&self, why: &str) {
        tracing::warn!(
            reason = why,
            "reads go to the primary for a moment: the replica is {why}"
        );
        *self.avoid_until.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(Instant::now() + AVOID_FOR);
    }
}

/// The replay lag of the server `conn` is on, in milliseconds: 0 on a primary and on a standby
/// that has replayed all it received; `None` when it cannot be known (a standby not streaming).
pub fn replay_lag_ms(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    let DbConnection::Postgres(pg) = conn else {
        return Ok(Some(0));
    };
    diesel::select(diesel::dsl::sql::<
        diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
    >(
        "CASE WHEN NOT pg_is_in_recovery() THEN 0 \
              WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') \
                   THEN NULL \
              WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
              ELSE CAST(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000 \
                        AS BIGINT) END",
    ))
    .get_result(pg)
}

/// What a read on the replica came to.
enum Tried<T, E, F> {
    Done(Result<T, E>),
    /// Not run: the replica was behind or out of reach; the work goes to the primary.
    Elsewhere(F),
}

impl Db {
    /// Adds the replica pool of `url` (PostgreSQL), for reads that may lag by up to
    /// `max_lag_ms`. The pool connects lazily: replicas that are down at start only send reads
    /// to the primary.
    pub fn with_replica(
        mut self,
        url: &str,
        pool_size: u32,
        statement_timeout_ms: u64,
        max_lag_ms: u64,
    ) -> Result<Db, DbError> {
        let mut manager = ConnectionManager::new(url)?;
        if manager.backend != super::Backend::Postgres || self.backend != super::Backend::Postgres {
            return Err(DbError::Connect(
                "ADUAN_READ_DATABASE_URL: replicas are PostgreSQL standbys of a PostgreSQL primary"
                    .into(),
            ));
        }
        manager.statement_timeout_ms = statement_timeout_ms;
        manager.standby_ok = true;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(0))
            .connection_timeout(CHECKOUT_WAIT)
            .test_on_check_out(false)
            .build_unchecked(manager);
        self.replica = Some(Arc::new(Replica {
            pool,
            max_lag_ms: i64::try_from(max_lag_ms).unwrap_or(i64::MAX),
            avoid_until: Mutex::new(None),
        }));
        Ok(self)
    }

    /// Whether reads that may lag have a replica pool.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// A read that may lag the primary by up to `ADUAN_READ_MAX_LAG_MS`: on a replica when one
    /// is configured, reachable and close enough behind, else on the primary ([`Db::read`]).
    pub async fn read_lagging<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let Some(replica) = self.replica.clone().filter(|r| !r.avoided()) else {
            return self.read(f).await;
        };
        if let Some(hold) = held::current() {
            hold.settle().await?;
        }
        let tried = tokio::task::spawn_blocking(move || on_replica(&replica, f))
            .await
            .map_err(|e| DbError::Join(e.to_string()))?;
        match tried {
            Tried::Done(result) => result,
            Tried::Elsewhere(f) => self.read(f).await,
        }
    }
}

fn on_replica<T, E, F>(replica: &Replica, f: F) -> Tried<T, E, F>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DbError>,
{
    let Ok(mut conn) = replica.pool.get() else {
        replica.avoid("out of reach");
        return Tried::Elsewhere(f);
    };
    match replay_lag_ms(&mut conn) {
        Ok(Some(lag)) if lag <= replica.max_lag_ms => {}
        Ok(Some(_)) => {
            replica.avoid("behind");
            return Tried::Elsewhere(f);
        }
        Ok(None) => {
            replica.avoid("not streaming from a primary");
            return Tried::Elsewhere(f);
        }
        Err(_) => {
            lost(&mut conn, true);
            replica.avoid("out of reach");
            return Tried::Elsewhere(f);
        }
    }
    let result = f(&mut conn);
    if result.is_err() && lost(&mut conn, true) {
        replica.avoid("out of reach");
        return Tried::Done(Err(DbError::Lost.into()));
    }
    Tried::Done(result)
}
