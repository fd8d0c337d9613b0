//! The console in real headless Chromium: `tests/browser/story.mjs` (playwright-core driving
//! Debian's Chromium, axe-core on every page) against the real binary on a real socket, on
//! SQLite and, when `ADUAN_TEST_DATABASE_URL` is set, on PostgreSQL. Screenshots go under
//! `target/browser/<backend>/`.
//!
//! Ignored in a plain `cargo test` (it needs Chromium and the npm packages); `.ci/run` installs
//! them (`apt-get install chromium`, `npm ci` in tests/browser) and runs it with `-- --ignored`.

mod common;

use std::path::Path;
use std::process::Command;

use common::binary::Server;
use common::{Kind, TestDb, ADMIN_PASSWORD};

fn story_on(kind: Kind) {
    let db = TestDb::new(kind);
    let server = Server::start(&db.url, db.dir.path());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shots = root
        .join("target/browser")
        .join(format!("{kind:?}").to_lowercase());
    let out = Command::new("node")
        .arg(root.join("tests/browser/story.mjs"))
        .arg(format!("http://127.0.0.1:{}", server.port))
        .arg(ADMIN_PASSWORD)
        .arg(&shots)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{kind:?}:\n{stdout}");
    assert!(
        out.status.success(),
        "the browser story failed on {kind:?}:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("all browser checks passed"), "{stdout}");
    for shot in [
        "01-inbox-pic",
        "03-complaint-new",
        "05-complaint-visited",
        "06-complaint-closed",
        "13-dashboard-phone",
        "13-dashboard-desktop",
        "14-planning-table",
    ] {
        assert!(shots.join(format!("{shot}.png")).exists(), "{shot}.png");
    }
    server.stop();
}

#[test]
#[ignore = "needs Chromium and the npm packages of tests/browser: .ci/run installs them and runs this"]
fn the_console_story_in_chromium() {
    story_on(Kind::Sqlite);
    if std::env::var("ADUAN_TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty()) {
        story_on(Kind::Postgres);
    }
}
