//! Existing client libraries from PyPI against the real binary on a real socket: the Open311
//! clients `georeport` and `three` (SQLite always, PostgreSQL too when
//! `ADUAN_TEST_DATABASE_URL` is set), and the Standard Webhooks library verifying deliveries.
//!
//! The libraries live in a virtual environment that `.ci/run` makes; the test is ignored in a
//! plain `cargo test` and run by `.ci/run` with `-- --ignored` and `ADUAN_OPEN311_PYTHON` set
//! (see tests/open311_clients/README.md).

mod common;

use std::path::Path;
use std::process::Command;

use common::binary::{http, Server};
use common::{Kind, TestDb};
use serde_json::json;

fn clients_against(kind: Kind) {
    let python = std::env::var("ADUAN_OPEN311_PYTHON").expect(
        "ADUAN_OPEN311_PYTHON: the Python of a venv with tests/open311_clients/requirements.txt",
    );
    let db = TestDb::new(kind);
    let server = Server::start(&db.url, db.dir.path());
    let admin = server.token();
    let (status, key) = http(
        server.port,
        "POST",
        "/api/v1/api-keys",
        Some(&admin),
        &json!({"name": "Open311 client libraries"}).to_string(),
    );
    assert_eq!(status, 201, "{key}");
    let key = key["key"].as_str().unwrap().to_string();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(&python)
        .arg(root.join("tests/open311_clients/check_clients.py"))
        .arg(format!("http://127.0.0.1:{}/open311/v2", server.port))
        .arg(&key)
        .arg(root.join("tests/fixtures/plain.png"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the Open311 clients failed on {kind:?}:\n{stdout}\n{stderr}"
    );
    eprintln!("{kind:?}: {}", stdout.trim());
    assert!(stdout.contains("checks passed"), "{stdout}");
    // What the clients filed is there, attributed to the key.
    let (status, tickets) = http(
        server.port,
        "GET",
        "/api/v1/tickets?platform=open311",
        Some(&admin),
        "",
    );
    assert_eq!(status, 200);
    assert_eq!(tickets["items"].as_array().unwrap().len(), 2, "{tickets}");
    server.stop();
}

#[test]
#[ignore = "needs the Open311 client libraries from PyPI: .ci/run installs them and runs this"]
fn open311_client_libraries() {
    clients_against(Kind::Sqlite);
    if std::env::var("ADUAN_TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty()) {
        clients_against(Kind::Postgres);
    }
}

/// The receivers' side: deliveries signed with a secret aduan made verify with the
/// `standardwebhooks` library, and a changed body, another secret or a late replay do not.
#[test]
#[ignore = "needs the standardwebhooks library from PyPI: .ci/run installs it and runs this"]
fn webhook_signatures_verify_with_standardwebhooks() {
    use base64::Engine;
    let python = std::env::var("ADUAN_OPEN311_PYTHON").expect("ADUAN_OPEN311_PYTHON");
    let db = TestDb::new(Kind::Sqlite);
    let server = Server::start(&db.url, db.dir.path());
    let admin = server.token();
    let receiver = common::receiver::Receiver::start();
    let (status, hook) = http(
        server.port,
        "POST",
        "/api/v1/webhooks",
        Some(&admin),
        &json!({"url": receiver.url(), "events": ["*"]}).to_string(),
    );
    assert_eq!(status, 201, "{hook}");
    let secret = hook["secret"]
        .as_str()
        .expect("a made secret is shown once")
        .to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let (_, listed) = http(server.port, "GET", "/api/v1/webhooks", Some(&admin), "");
    assert!(!listed.to_string().contains(&secret), "never shown again");
    for n in 0..2 {
        let (status, t) = http(
            server.port,
            "POST",
            "/api/v1/tickets",
            Some(&admin),
            &json!({"source": {"platform": "instagram", "comment_url": format!("https://www.instagram.com/p/W/c/90{n}/"), "text": "Jalan rusak"}}).to_string(),
        );
        assert_eq!(status, 201, "{t}");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while receiver.received().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no deliveries");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let deliveries: Vec<serde_json::Value> = receiver
        .received()
        .iter()
        .map(|r| {
            json!({
                "headers": r.headers,
                "body": base64::engine::general_purpose::STANDARD.encode(&r.body),
            })
        })
        .collect();
    let file = db.dir.path().join("deliveries.json");
    std::fs::write(&file, serde_json::to_vec(&deliveries).unwrap()).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(&python)
        .arg(root.join("tests/open311_clients/check_webhooks.py"))
        .arg(&secret)
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    eprintln!("{}", stdout.trim());
    assert!(stdout.contains("checks passed"), "{stdout}");
    server.stop();
}
