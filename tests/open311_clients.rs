//! Existing Open311 client libraries from PyPI (`georeport`, `three`) against the real binary on
//! a real socket: SQLite always, PostgreSQL too when `ADUAN_TEST_DATABASE_URL` is set.
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
