//! The database blinks: the real binary on a PostgreSQL of its own (made for this test with
//! initdb, so the shared server is not touched) starts before the database is up, and keeps
//! serving through a restart of PostgreSQL under eight filing clients — no 500, service back
//! within seconds, every acknowledged ticket kept. Part of the PostgreSQL suite.

mod common;

use std::time::{Duration, Instant};

use common::binary::Server;
use common::pg_cluster::{Cluster, Load};

#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn postgres_restarts_under_load_lose_nothing() {
    let cluster = Cluster::init();
    let dir = tempfile::tempdir().unwrap();
    // aduan first: it waits for the database, which comes up two seconds later.
    let server = Server::spawn(&cluster.url(), dir.path(), &[("ADUAN_DB_POOL_SIZE", "8")]);
    std::thread::sleep(Duration::from_secs(2));
    cluster.ctl("start");
    server.wait_ready(Duration::from_secs(60));
    let token = server.token();

    let load = Load::start(server.port, &token, 8);
    std::thread::sleep(Duration::from_secs(2));
    let restart = Instant::now();
    cluster.ctl("restart");
    let restarted = Instant::now();
    std::thread::sleep(Duration::from_secs(5));
    let outcome = load.finish();

    let back = outcome
        .first_filed_after(restarted)
        .map(|at| at.duration_since(restart));
    eprintln!(
        "PostgreSQL restart under 8 filing clients: {} answers — {} filed (201), {} 503, {} 500, \
         {} without an answer; restart took {:?}; filing again {:?} after the restart began",
        outcome.statuses.len(),
        outcome.count(201),
        outcome.count(503),
        outcome.count(500),
        outcome.count(0),
        restarted.duration_since(restart),
        back
    );
    assert_eq!(outcome.count(500), 0, "no 500 while the database blinks");
    assert!(
        outcome.unexpected().is_empty(),
        "only filed or 503: {:?}",
        outcome.unexpected()
    );
    let back = back.expect("filing works again after the restart");
    assert!(
        back < Duration::from_secs(5),
        "back within seconds: {back:?}"
    );

    // Every acknowledged ticket is there.
    assert!(
        outcome.acknowledged.len() > 20,
        "{}",
        outcome.acknowledged.len()
    );
    let lost = outcome.lost_from(&cluster.ticket_codes());
    assert!(lost.is_empty(), "lost: {lost:?}");
    eprintln!(
        "{} acknowledged tickets, 0 lost",
        outcome.acknowledged.len()
    );
    server.stop();
}
