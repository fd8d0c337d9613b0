//! Every migration runs up, down and up again on both backends, and down really undoes up.

mod common;

use common::{Kind, TestDb};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn user_tables(conn: &mut aduan::db::DbConnection) -> i64 {
    let sql = match conn {
        aduan::db::DbConnection::Sqlite(_) => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '__diesel_schema_migrations'"
        }
        aduan::db::DbConnection::Postgres(_) => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name != '__diesel_schema_migrations'"
        }
    };
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

fn up_down_up(kind: Kind) {
    let db = TestDb::new(kind);
    let manager = aduan::db::ConnectionManager::new(&db.url).unwrap();
    let mut conn = manager.establish().unwrap();
    let applied = aduan::db::run_migrations(&mut conn).unwrap();
    assert!(applied >= 1);
    let tables = user_tables(&mut conn);
    assert!(tables >= 7, "{tables}");
    assert_eq!(
        aduan::db::run_migrations(&mut conn).unwrap(),
        0,
        "idempotent"
    );
    assert_eq!(
        aduan::db::revert_all_migrations(&mut conn).unwrap(),
        applied
    );
    assert_eq!(user_tables(&mut conn), 0, "down removes everything up made");
    assert_eq!(aduan::db::run_migrations(&mut conn).unwrap(), applied);
    assert_eq!(user_tables(&mut conn), tables);
}

#[test]
fn migrations_sqlite() {
    up_down_up(Kind::Sqlite);
}

#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn migrations_postgres() {
    up_down_up(Kind::Postgres);
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |dir: &str| {
        let mut v: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

/// Migrations are not cut off by the statement timeout the pool gives request connections (a
/// migration rewriting a large table takes longer than any request may), and the connection
/// has its timeout back afterwards.
#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn migrations_run_without_the_request_timeout_postgres() {
    use diesel::connection::SimpleConnection;
    let db = TestDb::new(Kind::Postgres);
    let manager = aduan::db::ConnectionManager::new(&db.url).unwrap();
    let mut conn = manager.establish().unwrap();
    let aduan::db::DbConnection::Postgres(pg) = &mut conn else {
        unreachable!()
    };
    // Far shorter than the whole set of migrations takes.
    pg.batch_execute("SET statement_timeout = 1").unwrap();
    let slow = pg.batch_execute("SELECT pg_sleep(0.05)");
    assert!(slow.is_err(), "the timeout cuts a statement off");
    assert!(aduan::db::run_migrations(&mut conn).unwrap() >= 1);
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let back = diesel::sql_query("SELECT current_setting('statement_timeout') AS t")
        .get_result::<Setting>(&mut conn)
        .unwrap();
    assert_eq!(back.t, "1ms");
}
