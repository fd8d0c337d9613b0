//! aduan on a replicated PostgreSQL: a primary and a streaming standby of its own (made for
//! each test, the shared server untouched), the real binary in front through a multi-host
//! URL. It refuses a standby as its primary, waits for a writable primary at start, goes
//! through a crash of the primary and the standby's promotion under eight filing clients with
//! 503s only and no acknowledged complaint lost, and reads what may lag from a replica only
//! while it is close behind. Part of the PostgreSQL suite.

mod common;

use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::binary::Server;
use common::pg_cluster::{send, Cluster, Load};

/// A primary with a standby streaming from it, both running.
fn pair() -> (Cluster, Cluster) {
    let primary = Cluster::init();
    primary.ctl("start");
    let standby = Cluster::standby_of(&primary);
    standby.ctl("start");
    (primary, standby)
}

/// Both servers in one libpq URL, the standby first, writes to whichever is the primary.
fn multi_host(first: &Cluster, second: &Cluster) -> String {
    format!(
        "postgres://postgres@127.0.0.1:{},127.0.0.1:{}/postgres?target_session_attrs=read-write",
        first.port, second.port
    )
}

fn file(port: u16, token: &str, n: u32) -> String {
    let body = format!(
        r#"{{"source":{{"platform":"instagram","comment_url":"https://www.instagram.com/p/L/c/{n}/","text":"Lampu jalan mati"}}}}"#
    );
    let (status, answer) = send(port, "POST", "/api/v1/tickets", token, &body).expect("answer");
    assert_eq!(status, 201, "{answer}");
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
    v["code"].as_str().unwrap().to_string()
}

/// The public status of a complaint: 200 where the server read has it, 404 where not.
fn public_status(port: u16, code: &str) -> u16 {
    send(
        port,
        "GET",
        &format!("/api/v1/public/tickets/{code}"),
        "",
        "",
    )
    .expect("answer")
    .0
}

#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn a_failover_under_load_answers_503_and_loses_no_acknowledged_complaint() {
    let (primary, standby) = pair();
    primary.require_a_synchronous_standby();
    let dir = tempfile::tempdir().unwrap();

    // Pointed at the standby alone, aduan does not take it for its primary, and says why.
    let refused = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .current_dir(dir.path())
        .env("DATABASE_URL", standby.url())
        .env("ADUAN_DB_CONNECT_WAIT_SECS", "1")
        .env("ADUAN_DATA_DIR", dir.path().join("data"))
        .env("ADUAN_BIND", "127.0.0.1:0")
        .stdout(Stdio::null())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        said.contains("standby") && said.contains("target_session_attrs=read-write"),
        "{said}"
    );

    // With no primary up, aduan waits for one instead of exiting.
    primary.ctl("stop");
    let url = multi_host(&standby, &primary);
    let mut server = Server::spawn(&url, dir.path(), &[("ADUAN_DB_POOL_SIZE", "8")]);
    std::thread::sleep(Duration::from_secs(3));
    assert!(server.child_is_running(), "aduan exited without a primary");
    assert!(
        TcpStream::connect(("127.0.0.1", server.port)).is_err(),
        "not serving before it has a primary"
    );
    primary.ctl("start");
    server.wait_ready(Duration::from_secs(60));
    let token = server.token();

    // The primary crashes under load; the standby is promoted.
    let load = Load::start(server.port, &token, 8);
    std::thread::sleep(Duration::from_secs(2));
    let crash = Instant::now();
    primary.crash();
    standby.promote();
    let promoted = Instant::now();
    std::thread::sleep(Duration::from_secs(6));
    let outcome = load.finish();

    let last = outcome.last_filed_before(crash).expect("filings before");
    let first = outcome.first_filed_after(promoted);
    eprintln!(
        "failover (crash of the primary, standby promoted in {:?}) under 8 filing clients: {} \
         answers — {} filed (201), {} 503, {} 500, {} without an answer; writes stopped for {:?}",
        promoted.duration_since(crash),
        outcome.statuses.len(),
        outcome.count(201),
        outcome.count(503),
        outcome.count(500),
        outcome.count(0),
        first.map(|f| f.duration_since(last)),
    );
    assert!(
        outcome.unexpected().is_empty(),
        "only filed or 503: {:?}",
        outcome.unexpected()
    );
    let first = first.expect("filing works again on the new primary, aduan not restarted");
    assert!(
        first.duration_since(promoted) < Duration::from_secs(5),
        "back within seconds of the promotion: {:?}",
        first.duration_since(promoted)
    );
    let lost = outcome.lost_from(&standby.ticket_codes());
    assert!(outcome.acknowledged.len() > 20);
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    server.stop();
}

#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn reads_that_may_lag_go_to_a_replica_only_while_it_is_close_behind() {
    let (primary, standby) = pair();
    let dir = tempfile::tempdir().unwrap();
    let replica = standby.url();
    let server = Server::start_with(
        &primary.url(),
        dir.path(),
        &[
            ("ADUAN_READ_DATABASE_URL", replica.as_str()),
            ("ADUAN_READ_MAX_LAG_MS", "3000"),
        ],
    );
    let token = server.token();
    let port = server.port;

    // Caught up: a complaint is seen on the replica's public page.
    let a = file(port, &token, 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while public_status(port, &a) != 200 {
        assert!(Instant::now() < deadline, "the replica never had {a}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, body) = send(port, "GET", "/api/v1/analytics/backlog", &token, "").unwrap();
    assert_eq!(status, 200, "analytics on the replica: {body}");

    // Replay paused: a new complaint is not on the replica yet, and its public page (read
    // there, within the bound) does not show it.
    standby.execute("SELECT pg_wal_replay_pause()");
    let b = file(port, &token, 2);
    assert_eq!(public_status(port, &b), 404, "read on the replica");
    // The staff's own read after their write stays on the primary.
    let (status, list) = send(port, "GET", "/api/v1/tickets", &token, "").unwrap();
    assert_eq!(status, 200);
    assert!(
        list.contains(&b),
        "the newest complaint in the staff's list"
    );

    // Past the bound, the same read goes to the primary.
    std::thread::sleep(Duration::from_millis(3500));
    assert_eq!(public_status(port, &b), 200, "read on the primary");

    // Caught up again, the replica is used again. (Behind, its lag counts from the last
    // commit it replayed: a fresh one first, or the quiet minute before would count.)
    standby.execute("SELECT pg_wal_replay_resume()");
    std::thread::sleep(Duration::from_millis(2500));
    file(port, &token, 4);
    std::thread::sleep(Duration::from_millis(300));
    standby.execute("SELECT pg_wal_replay_pause()");
    let c = file(port, &token, 3);
    assert_eq!(public_status(port, &c), 404, "back on the replica");
    standby.execute("SELECT pg_wal_replay_resume()");

    // The replica down: its reads go to the primary.
    standby.ctl("stop");
    assert_eq!(public_status(port, &c), 200, "read on the primary");
    let (status, _) = send(port, "GET", "/api/v1/analytics/backlog", &token, "").unwrap();
    assert_eq!(status, 200);
    server.stop();
}

#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn instances_starting_together_migrate_and_seed_once() {
    use diesel::prelude::*;
    let db = common::TestDb::new(common::Kind::Postgres);
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let servers: Vec<Server> = dirs
        .iter()
        .map(|d| Server::spawn(&db.url, d.path(), &[]))
        .collect();
    for s in &servers {
        s.wait_ready(Duration::from_secs(120));
    }
    let mut conn = diesel::PgConnection::establish(&db.url).unwrap();
    let jurisdictions: i64 = aduan::db::schema::jurisdictions::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    let admins: i64 = aduan::db::schema::users::table
        .filter(aduan::db::schema::users::username.eq("admin"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!((jurisdictions, admins), (1, 1));
    // Every instance serves the same console user.
    let token = servers[0].token();
    for s in &servers {
        let (status, _) = send(s.port, "GET", "/api/v1/me", &token, "").unwrap();
        assert_eq!(status, 200);
    }
    for s in servers {
        s.stop();
    }
}
