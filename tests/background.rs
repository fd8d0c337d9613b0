//! The background work of the real binary on a real socket: webhook deliveries survive a
//! restart while the receiver is down, the escalation loop marks a breach and notifies it, and
//! (with `ADUAN_TEST_DATABASE_URL`) two instances sharing one PostgreSQL database notify every
//! breach exactly once.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::receiver::{free_port, Receiver};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::{json, Value};

const PASSWORD: &str = "admin-password-123";
const SECRET: &str = "a-shared-secret-of-some-length";

fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| serde_json::from_str(b).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    (status, body)
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(database_url: &str, dir: &std::path::Path) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_aduan"))
            .current_dir(dir)
            .env("DATABASE_URL", database_url)
            .env("ADUAN_BIND", format!("127.0.0.1:{port}"))
            .env("ADUAN_DATA_DIR", dir.join("data"))
            .env("ADUAN_ADMIN_PASSWORD", PASSWORD)
            .env(
                "ADUAN_JWT_SECRET",
                "test-secret-test-secret-test-secret-123",
            )
            .env("ADUAN_WEBHOOK_POLL_MS", "50")
            .env("ADUAN_WEBHOOK_RETRY_BASE_MS", "100")
            .env("ADUAN_ESCALATION_INTERVAL_MS", "100")
            .env("RUST_LOG", "warn")
            .env_remove("ADUAN_SEED")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aduan");
        let s = Server { child, port };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http(port, "GET", "/readyz", None, "").0 == 200
            {
                return s;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not become ready");
    }

    fn token(&self) -> String {
        let (status, body) = http(
            self.port,
            "POST",
            "/api/v1/auth/token",
            None,
            &json!({"username": "admin", "password": PASSWORD}).to_string(),
        );
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.child.try_wait().unwrap().is_none() {
            assert!(Instant::now() < deadline, "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

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
