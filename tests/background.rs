//! The background work of the real binary on a real socket: webhook deliveries survive a
//! restart while the receiver is down, the escalation loop marks a breach and notifies it, and
//! (with `ADUAN_TEST_DATABASE_URL`) two instances sharing one PostgreSQL database notify every
//! breach exactly once.

mod common;

use std::time::{Duration, Instant};

use common::binary::{http, Server};
use common::receiver::{free_port, Receiver};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::{json, Value};

const SECRET: &str = "a-shared-secret-of-some-length";

fn file(port: u16, token: &str, comment_id: &str) -> String {
    let body = json!({
        "source": {
            "platform": "instagram",
            "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/{comment_id}/"),
            "text": "Lampu jalan mati sejak seminggu"
        },
        "category": "pju"
    });
    let (status, t) = http(
        port,
        "POST",
        "/api/v1/tickets",
        Some(token),
        &body.to_string(),
    );
    assert_eq!(status, 201, "{t}");
    t["id"].as_str().unwrap().to_string()
}

fn wait_for(what: &str, timeout: Duration, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn events_named(r: &Receiver, name: &str) -> Vec<common::receiver::Received> {
    r.received()
        .into_iter()
        .filter(|x| x.headers.get("x-aduan-event").map(String::as_str) == Some(name))
        .collect()
}

fn expire_first_response(conn: &mut impl SimpleConnection, ticket_id: &str) {
    let past = (chrono::Utc::now() - chrono::Duration::seconds(5))
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S%.6f");
    conn.batch_execute(&format!(
        "UPDATE ticket_clocks SET due_at = '{past}' WHERE ticket_id = '{ticket_id}' AND clock = 'first_response'"
    ))
    .unwrap();
}

#[test]
fn deliveries_survive_a_restart_and_breaches_are_notified() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("aduan.db").display());
    let server = Server::start(&url, dir.path());
    let token = server.token();
    let hook_port = free_port();
    let (status, hook) = http(
        server.port,
        "POST",
        "/api/v1/webhooks",
        Some(&token),
        &json!({"url": format!("http://127.0.0.1:{hook_port}/hook"), "secret": SECRET, "events": ["*"]})
            .to_string(),
    );
    assert_eq!(status, 201, "{hook}");
    let hook_id = hook["id"].as_str().unwrap().to_string();

    // The receiver is down: the delivery is attempted and waits.
    let ticket = file(server.port, &token, "7001");
    let log = format!("/api/v1/webhooks/{hook_id}/deliveries");
    wait_for("a failed attempt", Duration::from_secs(10), || {
        let (_, l) = http(server.port, "GET", &log, Some(&token), "");
        l["items"][0]["attempts"].as_i64().unwrap_or(0) >= 1
    });
    server.stop();

    // The receiver comes up while aduan is down; after the restart the delivery arrives.
    let receiver = Receiver::on(hook_port);
    let server = Server::start(&url, dir.path());
    wait_for(
        "the delivery after the restart",
        Duration::from_secs(20),
        || !events_named(&receiver, "filed").is_empty(),
    );
    let filed = &events_named(&receiver, "filed")[0];
    let body: Value = serde_json::from_slice(&filed.body).unwrap();
    assert_eq!(body["ticket"]["id"], ticket.as_str());

    // The first_response target runs out: the escalation loop marks it and notifies it once.
    let mut conn =
        diesel::SqliteConnection::establish(dir.path().join("aduan.db").to_str().unwrap()).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 5000").unwrap();
    expire_first_response(&mut conn, &ticket);
    wait_for("the sla_breached delivery", Duration::from_secs(20), || {
        !events_named(&receiver, "sla_breached").is_empty()
    });
    std::thread::sleep(Duration::from_millis(500));
    let breached = events_named(&receiver, "sla_breached");
    assert_eq!(breached.len(), 1, "notified once across many ticks");
    let body: Value = serde_json::from_slice(&breached[0].body).unwrap();
    assert_eq!(body["data"]["clock"], "first_response");

    // Delivery latency with the receiver up: from the filing's answer to the receiver.
    let mut latencies = vec![];
    for n in 0..10 {
        let before = receiver.received().len();
        let sent = Instant::now();
        file(server.port, &token, &format!("71{n:02}"));
        wait_for("a delivery", Duration::from_secs(10), || {
            receiver.received().len() > before
        });
        latencies.push(
            receiver.received()[before]
                .at
                .saturating_duration_since(sent),
        );
    }
    latencies.sort();
    eprintln!(
        "webhook delivery latency (filing sent → receiver has it), debug build: median {:?}, max {:?}",
        latencies[latencies.len() / 2],
        latencies.last().unwrap()
    );
    server.stop();
}

/// Two instances on one PostgreSQL database, both running escalation every 100 ms: each breach
/// is marked and delivered exactly once.
#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn two_instances_notify_each_breach_once() {
    let admin_url = std::env::var("ADUAN_TEST_DATABASE_URL").unwrap();
    let name = format!("aduan_t_{}", uuid::Uuid::now_v7().simple());
    let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&name);
    let url = url.to_string();

    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let a = Server::start(&url, dir_a.path());
    let b = Server::start(&url, dir_b.path());
    let receiver = Receiver::start();
    let token = a.token();
    let (status, _) = http(
        a.port,
        "POST",
        "/api/v1/webhooks",
        Some(&token),
        &json!({"url": receiver.url(), "secret": SECRET, "events": ["sla_breached"]}).to_string(),
    );
    assert_eq!(status, 201);
    let tickets: Vec<String> = (0..30)
        .map(|n| {
            file(
                if n % 2 == 0 { a.port } else { b.port },
                &token,
                &format!("80{n:02}"),
            )
        })
        .collect();
    let mut conn = diesel::PgConnection::establish(&url).unwrap();
    for t in &tickets {
        expire_first_response(&mut conn, t);
    }
    wait_for("30 breach deliveries", Duration::from_secs(30), || {
        receiver.received().len() >= 30
    });
    std::thread::sleep(Duration::from_millis(1000));
    let got = receiver.received();
    let mut ids: Vec<String> = got
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["ticket"]["id"].as_str().unwrap().to_string()
        })
        .collect();
    ids.sort();
    let mut expected = tickets.clone();
    expected.sort();
    assert_eq!(ids, expected, "every breach notified exactly once");
    a.stop();
    b.stop();
    drop(conn);
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .unwrap();
}

/// A one-minute first_response target and a fast tick: the breach is found on its own (no
/// clock is moved by the test), not before the minute is up, and notified once.
#[test]
fn a_short_policy_breaches_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("aduan.db").display());
    let server = Server::start(&url, dir.path());
    let token = server.token();
    let receiver = Receiver::start();
    let policy = json!({"clocks": [{"clock": "first_response", "target": 1, "unit": "minutes"}]});
    let (status, body) = http(
        server.port,
        "PUT",
        "/api/v1/sla/policies/default",
        Some(&token),
        &policy.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    let (status, _) = http(
        server.port,
        "POST",
        "/api/v1/webhooks",
        Some(&token),
        &json!({"url": receiver.url(), "secret": SECRET, "events": ["sla_breached"]}).to_string(),
    );
    assert_eq!(status, 201);
    let filed = Instant::now();
    let ticket = file(server.port, &token, "9001");
    wait_for(
        "the breach of a one-minute target",
        Duration::from_secs(90),
        || !receiver.received().is_empty(),
    );
    assert!(
        filed.elapsed() >= Duration::from_secs(60),
        "breached after {:?}, before the minute was up",
        filed.elapsed()
    );
    std::thread::sleep(Duration::from_millis(500));
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["ticket"]["id"], ticket.as_str());
    assert_eq!(body["data"]["clock"], "first_response");
    server.stop();
}
