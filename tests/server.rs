//! The real binary on a real socket: first start with no configuration, sign-in over HTTP,
//! graceful shutdown on SIGTERM, and one clear line for a bad database URL.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http(port: u16, method: &str, path: &str, headers: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

fn aduan() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aduan"));
    for var in [
        "DATABASE_URL",
        "ADUAN_JWT_SECRET",
        "ADUAN_ADMIN_PASSWORD",
        "ADUAN_SEED",
        "ADUAN_BIND",
        "ADUAN_DATA_DIR",
    ] {
        c.env_remove(var);
    }
    c
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

#[test]
fn first_start_serves_signs_in_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let started = Instant::now();
    let mut server = Server(
        aduan()
            .current_dir(dir.path())
            .env("ADUAN_BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut ready = false;
    while started.elapsed() < Duration::from_secs(30) {
        if let Some((200, _)) = http(port, "GET", "/readyz", "", "") {
            ready = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(ready, "the server did not become ready");
    eprintln!(
        "cold start to ready on SQLite: {} ms (debug build)",
        started.elapsed().as_millis()
    );

    // The generated admin password is printed once on standard output.
    let stdout = server.0.stdout.take().unwrap();
    let password = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.trim().strip_prefix("password: ").map(str::to_string))
        .expect("the admin password is printed");
    assert!(
        dir.path().join("data/aduan.db").exists(),
        "SQLite under ./data"
    );
    assert!(dir.path().join("data/jwt-secret").exists());

    let body = format!(r#"{{"username":"admin","password":"{password}"}}"#);
    let (status, answer) = http(
        port,
        "POST",
        "/api/v1/auth/token",
        "Content-Type: application/json\r\n",
        &body,
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");
    let token: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let auth = format!(
        "Authorization: Bearer {}\r\n",
        token["access_token"].as_str().unwrap()
    );
    let (status, agencies) = http(port, "GET", "/api/v1/agencies?limit=5", &auth, "").unwrap();
    assert_eq!(status, 200);
    let agencies: serde_json::Value = serde_json::from_str(&agencies).unwrap();
    assert_eq!(agencies["items"].as_array().unwrap().len(), 5);
    let (status, _) = http(port, "GET", "/docs/", "", "").unwrap();
    assert_eq!(status, 200);

    let pid = server.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            assert!(status.success(), "exit after SIGTERM: {status}");
            break;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn fails_with_one_line(url: &str, expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = aduan()
        .current_dir(dir.path())
        .arg("migrate")
        .env("DATABASE_URL", url)
        .env("ADUAN_DB_CONNECT_WAIT_SECS", "1")
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expect), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !stderr.contains("secret-pw"),
        "passwords are not shown: {stderr}"
    );
}

#[test]
fn malformed_database_url_is_one_clear_line() {
    fails_with_one_line("mysql://u:secret-pw@localhost/aduan", "DATABASE_URL");
}

#[test]
fn unreachable_database_is_one_clear_line() {
    let port = free_port();
    fails_with_one_line(
        &format!("postgres://u:secret-pw@127.0.0.1:{port}/aduan"),
        "cannot connect to the database",
    );
}

#[test]
fn openapi_subcommand_prints_the_document() {
    let out = aduan().arg("openapi").output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["info"]["title"], "aduan");
}

#[test]
fn user_add_and_seed_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = aduan();
        c.current_dir(dir.path()).args(args).env("RUST_LOG", "off");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    // seed creates the jurisdiction in a fresh database; loading it again adds nothing.
    let seed = format!("{}/seed/subang.toml", env!("CARGO_MANIFEST_DIR"));
    let out = run(&["seed", &seed], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("added 49 agencies"));
    let again = run(&["seed", &seed], &[]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("added 0 agencies"));

    let out = run(
        &[
            "user",
            "add",
            "--username",
            "pic.dinkes",
            "--role",
            "pic",
            "--agency",
            "dinkes",
        ],
        &[("ADUAN_NEW_USER_PASSWORD", "a long passphrase")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(
        &["user", "add", "--username", "pic.x", "--role", "pic"],
        &[],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("agency_id"));
    let out = run(
        &[
            "user",
            "add",
            "--username",
            "pic.dinkes",
            "--role",
            "planner",
        ],
        &[],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("taken"));
}

#[test]
fn seed_synthetic_makes_tickets_in_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        aduan()
            .current_dir(dir.path())
            .args(args)
            .env("RUST_LOG", "off")
            .env("ADUAN_ADMIN_PASSWORD", "admin-password-123")
            .output()
            .unwrap()
    };
    let out = run(&[
        "seed",
        "--synthetic",
        "150",
        "--days",
        "30",
        "--random-seed",
        "9",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("added 150 synthetic tickets over 30 days"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(&["seed"]);
    assert!(!out.status.success());
    let out = run(&["seed", "--synthetic", "5", "--days", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--days"));
}
