//! The real binary on a real socket: start it on a free port with a database and data folder,
//! talk to it with a minimal HTTP/1.1 client, stop it with SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::receiver::free_port;
use super::ADMIN_PASSWORD as PASSWORD;

/// One HTTP/1.1 request with a JSON body; the answer's status and JSON body.
pub fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
    let (status, _, body) = request(port, method, path, &headers, body).expect("an answer");
    (status, body)
}

/// One HTTP/1.1 request with a JSON body and more headers: the answer's status, head and JSON
/// body, or `None` when the connection ended without an answer.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, Value)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let extra: String = headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}\r\n"))
        .collect();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((
        status,
        head.to_string(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    ))
}

/// A running `aduan` (killed when dropped).
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(database_url: &str, dir: &std::path::Path) -> Server {
        Server::start_with(database_url, dir, &[])
    }

    /// [`Server::start`] with more environment variables.
    pub fn start_with(database_url: &str, dir: &std::path::Path, vars: &[(&str, &str)]) -> Server {
        let s = Server::spawn(database_url, dir, vars);
        s.wait_ready(Duration::from_secs(30));
        s
    }

    /// Starts the binary without waiting for it to be ready.
    pub fn spawn(database_url: &str, dir: &std::path::Path, vars: &[(&str, &str)]) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_aduan"))
            .envs(vars.iter().copied())
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
            // The tests' webhook receivers listen on this machine (closed by default).
            .env("ADUAN_WEBHOOK_ALLOW_NETS", "127.0.0.0/8")
            .env("ADUAN_WEBHOOK_RETRY_BASE_MS", "100")
            .env("ADUAN_ESCALATION_INTERVAL_MS", "100")
            .env("RUST_LOG", "warn")
            .env_remove("ADUAN_SEED")
            .stdout(Stdio::null())
            .stderr(log_of(port))
            .spawn()
            .expect("start aduan");
        Server { child, port }
    }

    /// Whether the process has not exited.
    pub fn child_is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits until `/readyz` answers 200; panics after `limit`.
    pub fn wait_ready(&self, limit: Duration) {
        let port = self.port;
        let started = Instant::now();
        while started.elapsed() < limit {
            if TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http(port, "GET", "/readyz", None, "").0 == 200
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not become ready");
    }

    /// The bootstrap admin's token.
    pub fn token(&self) -> String {
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

    pub fn stop(mut self) {
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

/// Where a spawned server's log goes: `ADUAN_TEST_LOGS/aduan-PORT.log` when that folder is
/// named (to see what a server did in a failing test), else nowhere.
fn log_of(port: u16) -> Stdio {
    match std::env::var_os("ADUAN_TEST_LOGS") {
        Some(dir) => {
            let path = std::path::Path::new(&dir).join(format!("aduan-{port}.log"));
            std::fs::File::create(path).map_or_else(|_| Stdio::null(), Stdio::from)
        }
        None => Stdio::null(),
    }
}
