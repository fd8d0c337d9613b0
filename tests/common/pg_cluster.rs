//! Throwaway PostgreSQL servers for the tests of restarts, failover and replicas: each made
//! with initdb (or pg_basebackup, for a standby) in a temporary folder, owned by the
//! `postgres` user, on a port of its own — the shared server is not touched. And filing
//! clients that record every answer while the servers come and go.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;

use super::receiver::free_port;

/// One PostgreSQL server and its data folder.
pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    _dir: tempfile::TempDir,
}

fn as_postgres(bin: &Path, args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin)
        .args(args)
        .output()
        .expect("runuser")
}

fn ok(out: std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A temporary folder the `postgres` user owns, and the PostgreSQL binaries.
fn folder() -> (PathBuf, tempfile::TempDir) {
    let versions = std::fs::read_dir("/usr/lib/postgresql").expect("PostgreSQL binaries");
    let bin = versions
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .find(|p| p.join("initdb").exists())
        .expect("initdb");
    let dir = tempfile::tempdir().unwrap();
    Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(dir.path())
        .status()
        .unwrap();
    (bin, dir)
}

impl Cluster {
    /// A new, stopped server.
    pub fn init() -> Cluster {
        let (bin, dir) = folder();
        let data = dir.path().join("data");
        let args = [
            "-D",
            data.to_str().unwrap(),
            "-A",
            "trust",
            "-U",
            "postgres",
        ];
        ok(
            as_postgres(&bin.join("initdb"), &[&args[..], &["--no-sync"]].concat()),
            "initdb",
        );
        Cluster {
            bin,
            data,
            port: free_port(),
            _dir: dir,
        }
    }

    /// A streaming standby of the running `primary`, stopped (start it with `ctl("start")`).
    pub fn standby_of(primary: &Cluster) -> Cluster {
        let (bin, dir) = folder();
        let data = dir.path().join("data");
        let port = primary.port.to_string();
        ok(
            as_postgres(
                &bin.join("pg_basebackup"),
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "postgres",
                    "-D",
                    data.to_str().unwrap(),
                    "-R",
                    "-X",
                    "stream",
                    "--no-sync",
                ],
            ),
            "pg_basebackup",
        );
        Cluster {
            bin,
            data,
            port: free_port(),
            _dir: dir,
        }
    }

    /// `pg_ctl ACTION` (start, stop, restart) on this server's port, waiting for it.
    pub fn ctl(&self, action: &str) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.data.display()
        );
        let log = self.data.join("log");
        let out = as_postgres(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-o",
                &opts,
                "-m",
                "fast",
                "-w",
                "-l",
                log.to_str().unwrap(),
                action,
            ],
        );
        ok(out, &format!("pg_ctl {action}"));
    }

    /// Stops the server at once, as a crash would (`-m immediate`: no shutdown checkpoint,
    /// every connection cut).
    pub fn crash(&self) {
        let out = as_postgres(
            &self.bin.join("pg_ctl"),
            &["-D", self.data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
        ok(out, "pg_ctl stop -m immediate");
    }

    /// Makes a standby the primary, waiting until it takes writes.
    pub fn promote(&self) {
        let out = as_postgres(
            &self.bin.join("pg_ctl"),
            &["-D", self.data.to_str().unwrap(), "-w", "promote"],
        );
        ok(out, "pg_ctl promote");
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn connect(&self) -> diesel::PgConnection {
        <diesel::PgConnection as diesel::Connection>::establish(&self.url()).unwrap()
    }

    pub fn execute(&self, sql: &str) {
        self.connect().batch_execute(sql).unwrap();
    }

    /// Makes every commit wait until a standby has it (`synchronous_standby_names = '*'`),
    /// and waits until one is streaming synchronously.
    pub fn require_a_synchronous_standby(&self) {
        self.execute("ALTER SYSTEM SET synchronous_standby_names = '*'");
        self.execute("SELECT pg_reload_conf()");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            use diesel::prelude::*;
            let sync: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync')",
            ))
            .get_result(&mut self.connect())
            .unwrap();
            if sync > 0 {
                return;
            }
            assert!(Instant::now() < deadline, "no synchronous standby");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The tracking codes of every ticket on this server.
    pub fn ticket_codes(&self) -> Vec<String> {
        use diesel::prelude::*;
        aduan::db::schema::tickets::table
            .select(aduan::db::schema::tickets::code)
            .load(&mut self.connect())
            .unwrap()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres(
            &self.bin.join("pg_ctl"),
            &["-D", self.data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
    }
}

/// A request that never panics: `None` when there is no answer at all.
pub fn send(port: u16, method: &str, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    send_with(port, (method, path), token, "", body)
}

/// [`send`] with more header lines (each ending in `\r\n`).
pub fn send_with(
    port: u16,
    (method, path): (&str, &str),
    token: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, out.split_once("\r\n\r\n")?.1.to_string()))
}

/// Clients filing complaints without pause, each answer recorded with its time (0: none).
pub struct Load {
    stop: Arc<AtomicBool>,
    statuses: Arc<Mutex<Vec<(Instant, u16)>>>,
    acknowledged: Arc<Mutex<Vec<String>>>,
    clients: Vec<JoinHandle<()>>,
}

/// What the clients got.
pub struct Outcome {
    pub statuses: Vec<(Instant, u16)>,
    /// The tracking codes of the complaints answered 201.
    pub acknowledged: Vec<String>,
}

impl Outcome {
    pub fn count(&self, status: u16) -> usize {
        self.statuses.iter().filter(|(_, s)| *s == status).count()
    }

    /// The first filing after `at`.
    pub fn first_filed_after(&self, at: Instant) -> Option<Instant> {
        self.statuses
            .iter()
            .filter(|(t, s)| *t > at && *s == 201)
            .map(|(t, _)| *t)
            .min()
    }

    /// The last filing before `at`.
    pub fn last_filed_before(&self, at: Instant) -> Option<Instant> {
        self.statuses
            .iter()
            .filter(|(t, s)| *t < at && *s == 201)
            .map(|(t, _)| *t)
            .max()
    }

    /// Answers other than 201 and 503 (a 500, or none at all).
    pub fn unexpected(&self) -> Vec<u16> {
        self.statuses
            .iter()
            .map(|(_, s)| *s)
            .filter(|s| ![201, 503].contains(s))
            .collect()
    }

    /// The acknowledged complaints missing from `stored`.
    pub fn lost_from(&self, stored: &[String]) -> Vec<String> {
        let stored: std::collections::HashSet<&String> = stored.iter().collect();
        self.acknowledged
            .iter()
            .filter(|c| !stored.contains(c))
            .cloned()
            .collect()
    }
}

impl Load {
    /// `clients` threads filing through the server on `port`.
    pub fn start(port: u16, token: &str, clients: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let statuses = Arc::new(Mutex::new(Vec::new()));
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let clients = (0..clients)
            .map(|client| {
                let (stop, statuses, acknowledged) =
                    (stop.clone(), statuses.clone(), acknowledged.clone());
                let token = token.to_string();
                std::thread::spawn(move || {
                    let mut n = 0;
                    while !stop.load(Ordering::SeqCst) {
                        n += 1;
                        let body = format!(
                            r#"{{"source":{{"platform":"instagram","comment_url":"https://www.instagram.com/p/R/c/{client}{n:06}/","text":"Jalan rusak"}}}}"#
                        );
                        let answer = send(port, "POST", "/api/v1/tickets", &token, &body);
                        let status = answer.as_ref().map_or(0, |(s, _)| *s);
                        statuses.lock().unwrap().push((Instant::now(), status));
                        if let Some((201, body)) = answer {
                            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                            let code = v["code"].as_str().unwrap().to_string();
                            acknowledged.lock().unwrap().push(code);
                        }
                    }
                })
            })
            .collect();
        Load {
            stop,
            statuses,
            acknowledged,
            clients,
        }
    }

    pub fn finish(self) -> Outcome {
        self.stop.store(true, Ordering::SeqCst);
        for c in self.clients {
            c.join().unwrap();
        }
        let statuses = self.statuses.lock().unwrap().clone();
        let acknowledged = self.acknowledged.lock().unwrap().clone();
        Outcome {
            statuses,
            acknowledged,
        }
    }
}
