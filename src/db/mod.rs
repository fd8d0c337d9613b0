//! Storage: one connection type over SQLite and PostgreSQL, the pool, the embedded migrations,
//! and the two ways handlers reach the database (`read` and `write`), both off the async executor.
//!
//! The backend is chosen from the URL scheme, never guessed. Backend-specific SQL lives in `db/`
//! only: in the few functions here and in `models/` that `match` on [`DbConnection`].

mod fault;
pub mod held;
pub mod models;
mod replica;
pub mod schema;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// A connection to either backend. Queries written against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which database a URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A file path (created with its folder on first start).
    Sqlite(PathBuf),
    Postgres,
}

impl Backend {
    /// `sqlite://PATH` (relative or absolute), `postgres://…` or `postgresql://…`.
    pub fn from_url(url: &str) -> Result<Backend, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://./data/aduan.db".into());
            }
            if path.contains('?') {
                return Err("sqlite URLs take no parameters; aduan sets the pragmas itself".into());
            }
            return Ok(Backend::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Backend::Postgres);
        }
        Err(format!(
            "'{}' must start with sqlite://, postgres:// or postgresql://",
            redact(url)
        ))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// libpq explains itself over several lines; logs and the CLI want one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A URL with its password replaced, fit for logs and error messages. Read by hand rather
/// than with a URL parser: a libpq URL may list several `host:port`s, which is no URL.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***{}", &rest[at..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("database task failed: {0}")]
    Join(String),
    /// The connection died during the work, or its server became a standby (a restart, a
    /// failover): the work did not happen, or its outcome was not confirmed.
    #[error("the database connection was lost")]
    Lost,
}

/// Makes connections for the pool; picks the backend from the URL scheme.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
    /// PostgreSQL's `statement_timeout` for every connection (0: none).
    statement_timeout_ms: u64,
    /// Whether a server in recovery (a standby, read-only) is acceptable: only for the
    /// replica pool. The primary pool refuses one, so that it only ever holds writable
    /// connections, whatever the URL says.
    standby_ok: bool,
}

impl ConnectionManager {
    pub fn new(url: &str) -> Result<Self, DbError> {
        let backend = Backend::from_url(url).map_err(DbError::Connect)?;
        Ok(ConnectionManager {
            url: url.to_string(),
            backend,
            statement_timeout_ms: 0,
            standby_ok: false,
        })
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    pub fn establish(&self) -> Result<DbConnection, DbError> {
        match &self.backend {
            Backend::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        DbError::Connect(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                let path = path.to_string_lossy();
                let mut conn = diesel::SqliteConnection::establish(&path)
                    .map_err(|e| DbError::Connect(format!("{path}: {e}")))?;
                // WAL lets readers work while one writer writes; busy_timeout makes a second
                // process queue instead of failing with "database is locked".
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA busy_timeout = 15000; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| DbError::Connect(format!("{path}: {e}")))?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres => {
                let fail = |e: &dyn std::fmt::Display| {
                    DbError::Connect(format!(
                        "{}: {}",
                        redact(&self.url),
                        one_line(&e.to_string())
                    ))
                };
                let mut conn = diesel::PgConnection::establish(&self.url).map_err(|e| fail(&e))?;
                // A statement that runs away (or waits on a lock forever) is cancelled; the
                // work that needs longer lifts it for its own transaction (SET LOCAL). The
                // same round trip says whether the server is a standby.
                use diesel::dsl::sql;
                use diesel::sql_types::{Bool, Text};
                let timeout = format!(
                    "set_config('statement_timeout', '{}', false)",
                    self.statement_timeout_ms
                );
                let (_, standby) =
                    diesel::select((sql::<Text>(&timeout), sql::<Bool>("pg_is_in_recovery()")))
                        .get_result::<(String, bool)>(&mut conn)
                        .map_err(|e| fail(&e))?;
                if standby && !self.standby_ok {
                    return Err(fail(
                        &"a standby (read-only) server: aduan writes to the primary \
                         only; list every host of the cluster with target_session_attrs=read-write",
                    ));
                }
                Ok(DbConnection::Postgres(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        self.establish()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::Query)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        match conn {
            DbConnection::Postgres(c) => c.is_broken(),
            DbConnection::Sqlite(c) => c.is_broken(),
        }
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// Runs every pending migration of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, DbError> {
    let applied = match conn {
        DbConnection::Postgres(c) => {
            // A migration may rewrite a large table: none is cut off by the statement timeout
            // that the pool sets for requests; the connection gets it back afterwards.
            let was: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
                "current_setting('statement_timeout')",
            ))
            .get_result(c)?;
            c.batch_execute("SET statement_timeout = 0")?;
            let applied = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len());
            c.batch_execute(&format!("SET statement_timeout = '{was}'"))?;
            applied
        }
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

/// Reverts every applied migration (used by the migration test and `aduan migrate --revert-all`).
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<usize, DbError> {
    let reverted = match conn {
        DbConnection::Postgres(c) => c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    reverted.map_err(|e| DbError::Migration(e.to_string()))
}

/// The database as handlers see it: a pool, and for SQLite one in-process writer lock so
/// that concurrent write transactions queue instead of failing with "database is locked".
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    write_lock: Arc<Mutex<()>>,
    /// Where reads that may lag go (`ADUAN_READ_DATABASE_URL`); `None`: the primary.
    replica: Option<Arc<replica::Replica>>,
    /// How the pool connects, for a connection of its own ([`Db::startup_lock`]).
    manager: ConnectionManager,
}

impl Db {
    /// Connects once directly (so a bad URL gives its real error at once), then builds the pool.
    pub fn connect(url: &str, pool_size: u32) -> Result<Db, DbError> {
        Db::connect_with(url, pool_size, 0)
    }

    /// [`Db::connect`], with PostgreSQL's statement timeout (milliseconds; 0: none).
    pub fn connect_with(
        url: &str,
        pool_size: u32,
        statement_timeout_ms: u64,
    ) -> Result<Db, DbError> {
        let mut manager = ConnectionManager::new(url)?;
        manager.statement_timeout_ms = statement_timeout_ms;
        let backend = manager.backend().clone();
        let own = manager.clone();
        drop(manager.establish()?);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            // No `SELECT 1` before every checkout (a round trip per request): a connection
            // that died is found by its first failing query and dropped by `has_broken`.
            .test_on_check_out(false)
            .build(manager)?;
        Ok(Db {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
            replica: None,
            manager: own,
        })
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// A pooled connection, for start-up work and the CLI (blocking).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` on a pooled connection on the blocking thread pool.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        // A read after the request's own held write sees it (`held`).
        if let Some(hold) = held::current() {
            hold.settle().await?;
        }
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            let result = f(&mut conn);
            if result.is_err() && lost(&mut conn, false) {
                return Err(DbError::Lost.into());
            }
            result
        })
        .await
        .map_err(|e| DbError::Join(e.to_string()))?
    }

    /// Runs `f` in one transaction on the blocking thread pool; rolls back when it fails. Under
    /// a request's [`held::Hold`] the transaction commits when the hold settles or finishes it.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        if let Some(hold) = held::current() {
            return held::write(self, hold, f).await;
        }
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f))
            .await
            .map_err(|e| DbError::Join(e.to_string()))?
    }

    /// The blocking form of [`Db::write`], for start-up work and the CLI.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<DbError> + From<diesel::result::Error>,
    {
        // On SQLite the writer lock comes first: a write waiting for its turn holds no pooled
        // connection, so queued writes never starve reads of connections.
        let _guard = match self.backend {
            // A poisoned lock only means another writer panicked; the database itself is fine.
            Backend::Sqlite(_) => Some(self.write_lock.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        };
        let mut conn = self.pool.get().map_err(DbError::from)?;
        let conn: &mut DbConnection = &mut conn;
        let result = match conn {
            DbConnection::Sqlite(_) => immediate_transaction(conn, f),
            DbConnection::Postgres(_) => conn.transaction(f),
        };
        if result.is_err() && lost(conn, false) {
            return Err(DbError::Lost.into());
        }
        result
    }

    /// Start-up work (migrations, the first seed, the bootstrap admin, projection builds) one
    /// instance at a time: on PostgreSQL a session advisory lock on a connection of its own,
    /// held until the guard is dropped, so that instances starting together neither run the
    /// migrations twice nor seed twice. On SQLite nothing: one file, one machine, its writes
    /// queue anyway.
    pub fn startup_lock(&self) -> Result<StartupLock, DbError> {
        let DbConnection::Postgres(mut pg) = self.manager.establish()? else {
            return Ok(StartupLock(None));
        };
        let mut waited = false;
        loop {
            let got = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "pg_try_advisory_lock({STARTUP_LOCK})"
            )))
            .get_result::<bool>(&mut pg)?;
            if got {
                return Ok(StartupLock(Some(pg)));
            }
            if !waited {
                tracing::info!("another instance is starting on this database; waiting for it");
                waited = true;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `SELECT 1`, for `/readyz`.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.read(|c| c.batch_execute("SELECT 1").map_err(DbError::Query))
            .await
    }
}

/// The advisory lock key of start-up work ("aduan" in ASCII).
const STARTUP_LOCK: i64 = 0x61_6475_616e;

/// Held while an instance does its start-up work ([`Db::startup_lock`]); dropping it (or the
/// process ending) lets the next instance go.
pub struct StartupLock(Option<diesel::PgConnection>);

impl Drop for StartupLock {
    fn drop(&mut self) {
        if let Some(pg) = &mut self.0 {
            let _ = pg.batch_execute(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK})"));
        }
    }
}

/// Lifts PostgreSQL's statement timeout for the rest of the current transaction, for work that
/// is long by nature (rebuilding projections, generating synthetic data). Nothing on SQLite.
pub fn lift_statement_timeout(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(pg) => pg.batch_execute("SET LOCAL statement_timeout = 0"),
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// After a failed piece of work (its transaction over): whether the connection itself is lost
/// — dead (the server restarted or failed over) or, unless `standby_ok`, now on a standby (a
/// demoted primary). A lost connection is marked broken, so that the pool drops it instead of
/// handing it out again, and the work's failure is the database's, not the request's. One
/// round trip, on failures only (no `SELECT 1` before every checkout).
fn lost(conn: &mut DbConnection, standby_ok: bool) -> bool {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Postgres(pg) = conn else {
        return false;
    };
    let standby = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
        "pg_is_in_recovery()",
    ))
    .get_result::<bool>(pg);
    let lost = match standby {
        Ok(standby) => standby && !standby_ok,
        Err(_) => true,
    };
    if lost {
        tracing::warn!("a database connection was lost (a restart or a failover); dropped");
        AnsiTransactionManager::transaction_manager_status_mut(pg).set_in_error();
    }
    lost
}

/// A SQLite write transaction begun `IMMEDIATE`: it takes the database's write lock at once
/// (waiting up to `busy_timeout` for another process, such as the CLI), instead of failing with
/// "database is locked" when a DEFERRED transaction that has read must upgrade to write.
/// diesel's own `immediate_transaction`, on the multi-backend connection.
fn immediate_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    fn lite(conn: &mut DbConnection) -> &mut diesel::SqliteConnection {
        match conn {
            DbConnection::Sqlite(c) => c,
            DbConnection::Postgres(_) => unreachable!("called for SQLite only"),
        }
    }
    AnsiTransactionManager::begin_transaction_sql(lite(conn), "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(lite(conn))?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(lite(conn))?;
            Err(e)
        }
    }
}

/// Inserts `row` unless an equal one exists, and says which it gives: `(true, row)` when
/// inserted, `(false, existing)` otherwise. The insert runs in a savepoint, so when it loses a
/// race to an equal row committed meanwhile (a unique violation), the transaction goes on and
/// reads the winner's row instead of failing.
pub fn insert_or_existing<T>(
    conn: &mut DbConnection,
    row: T,
    mut existing: impl FnMut(&mut DbConnection) -> QueryResult<Option<T>>,
    insert: impl FnOnce(&mut DbConnection, &T) -> QueryResult<()>,
) -> QueryResult<(bool, T)> {
    use diesel::result::{DatabaseErrorKind, Error};
    if let Some(found) = existing(conn)? {
        return Ok((false, found));
    }
    match conn.transaction(|c| insert(c, &row)) {
        Ok(()) => Ok((true, row)),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            existing(conn)?.map(|r| (false, r)).ok_or(Error::NotFound)
        }
        Err(e) => Err(e),
    }
}

/// Inserts `rows` into `table`, `per` rows a statement (a multi-row INSERT; keep `per` × the
/// columns well under SQLite's 32,766 bound values). diesel's multi-row insert needs the
/// backend's own connection, so this is a backend branch. Callers name the row type
/// (`insert_batches::<_, Row>`): left to inference, the trait search overflows.
pub fn insert_batches<'a, T, R>(
    conn: &mut DbConnection,
    table: T,
    rows: &'a [R],
    per: usize,
) -> QueryResult<usize>
where
    T: Table + Copy,
    &'a [R]: Insertable<T>,
    diesel::query_builder::InsertStatement<T, <&'a [R] as Insertable<T>>::Values>:
        diesel::query_dsl::methods::ExecuteDsl<diesel::PgConnection>
            + diesel::query_dsl::methods::ExecuteDsl<diesel::SqliteConnection>,
{
    let mut written = 0;
    for chunk in rows.chunks(per.max(1)) {
        let insert = diesel::insert_into(table).values(chunk);
        written += match conn {
            DbConnection::Postgres(pg) => insert.execute(pg)?,
            DbConnection::Sqlite(lite) => insert.execute(lite)?,
        };
    }
    Ok(written)
}

/// Timestamps are stored as UTC with microsecond precision on both backends.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A new UUIDv7 whose time part is `at` (so ids sort like the times they were made at).
pub fn new_id_at(at: chrono::NaiveDateTime) -> String {
    let t = at.and_utc();
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        t.timestamp().max(0) as u64,
        t.timestamp_subsec_nanos(),
    );
    uuid::Uuid::new_v7(ts).to_string()
}

/// The smallest UUIDv7 of the millisecond `at`: ids made at or after `at` sort at or after it.
pub fn id_floor(at: chrono::DateTime<chrono::Utc>) -> String {
    let ms = at.timestamp_millis().clamp(0, (1 << 48) - 1) as u64;
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6] = 0x70;
    b[8] = 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_comes_from_the_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://./data/a.db"),
            Ok(Backend::Sqlite(PathBuf::from("./data/a.db")))
        );
        assert_eq!(
            Backend::from_url("sqlite:///srv/a.db"),
            Ok(Backend::Sqlite(PathBuf::from("/srv/a.db")))
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Ok(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db"),
            Ok(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
        assert!(Backend::from_url("./aduan.db").is_err());
        assert!(Backend::from_url("sqlite://").is_err());
    }

    #[test]
    fn errors_never_show_passwords() {
        let e = Backend::from_url("mysql://u:secret@h/db").unwrap_err();
        assert!(!e.contains("secret"), "{e}");
        assert_eq!(redact("postgres://u:pw@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            redact("postgres://u:p@w@h1:7001,h2:7002/db?target_session_attrs=read-write"),
            "postgres://u:***@h1:7001,h2:7002/db?target_session_attrs=read-write"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("postgres://h/db?x=a@b"), "postgres://h/db?x=a@b");
    }

    #[test]
    fn ids_sort_like_their_times() {
        use chrono::TimeZone;
        let t = chrono::Utc.with_ymd_and_hms(2025, 7, 7, 5, 41, 0).unwrap();
        let floor = id_floor(t);
        let at = new_id_at(t.naive_utc());
        let later = new_id_at((t + chrono::Duration::milliseconds(1)).naive_utc());
        let earlier = new_id_at((t - chrono::Duration::milliseconds(1)).naive_utc());
        assert!(
            earlier < floor && floor <= at && at < later,
            "{earlier} {floor} {at} {later}"
        );
        assert_eq!(uuid::Uuid::parse_str(&floor).unwrap().get_version_num(), 7);
    }

    #[test]
    fn now_has_microsecond_precision() {
        use chrono::Timelike;
        assert_eq!(now().nanosecond() % 1000, 0);
    }
}
