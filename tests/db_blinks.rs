//! The database blinks: the real binary on a PostgreSQL of its own (made for this test with
//! initdb, so the shared server is not touched) starts before the database is up, and keeps
//! serving through a restart of PostgreSQL under eight filing clients — no 500, service back
//! within seconds, every acknowledged ticket kept. Part of the PostgreSQL suite.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::binary::Server;
use common::receiver::free_port;

/// A throwaway PostgreSQL cluster owned by the `postgres` user, on its own port.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
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

impl Cluster {
    fn init() -> Cluster {
        let versions = std::fs::read_dir("/usr/lib/postgresql").expect("PostgreSQL binaries");
        let bin = versions
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .find(|p| p.join("initdb").exists())
            .expect("initdb");
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .unwrap();
        let out = as_postgres(
            &bin.join("initdb"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Cluster {
            bin,
            data,
            port: free_port(),
            _dir: dir,
        }
    }

    fn ctl(&self, action: &str) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.data.display()
        );
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
                self.data.join("log").to_str().unwrap(),
                action,
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl {action}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
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

/// A POST that never panics: `None` when there is no answer at all.
fn post(port: u16, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, out.split_once("\r\n\r\n")?.1.to_string()))
}

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

    let stop = Arc::new(AtomicBool::new(false));
    let statuses = Arc::new(Mutex::new(Vec::<(Instant, u16)>::new()));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let clients: Vec<_> = (0..8)
        .map(|client| {
            let (stop, statuses, acknowledged, token) =
                (stop.clone(), statuses.clone(), acknowledged.clone(), token.clone());
            let port = server.port;
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let body = format!(
                        r#"{{"source":{{"platform":"instagram","comment_url":"https://www.instagram.com/p/R/c/{client}{n:06}/","text":"Jalan rusak"}}}}"#
                    );
                    match post(port, "/api/v1/tickets", &token, &body) {
                        Some((status, answer)) => {
                            statuses.lock().unwrap().push((Instant::now(), status));
                            if status == 201 {
                                let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
                                acknowledged
                                    .lock()
                                    .unwrap()
                                    .push(v["code"].as_str().unwrap().to_string());
                            }
                        }
                        None => statuses.lock().unwrap().push((Instant::now(), 0)),
                    }
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_secs(2));
    let restart = Instant::now();
    cluster.ctl("restart");
    let restarted = Instant::now();
    std::thread::sleep(Duration::from_secs(5));
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }

    let statuses = statuses.lock().unwrap().clone();
    let count = |s: u16| statuses.iter().filter(|(_, x)| *x == s).count();
    let back = statuses
        .iter()
        .find(|(at, s)| *at > restarted && *s == 201)
        .map(|(at, _)| at.duration_since(restart));
    eprintln!(
        "PostgreSQL restart under 8 filing clients: {} answers — {} filed (201), {} 503, {} 500, \
         {} without an answer; restart took {:?}; filing again {:?} after the restart began",
        statuses.len(),
        count(201),
        count(503),
        count(500),
        count(0),
        restarted.duration_since(restart),
        back
    );
    assert_eq!(count(500), 0, "no 500 while the database blinks");
    assert!(
        statuses.iter().all(|(_, s)| [201, 503].contains(s)),
        "only filed or 503: {:?}",
        statuses
            .iter()
            .filter(|(_, s)| ![201, 503].contains(s))
            .collect::<Vec<_>>()
    );
    let back = back.expect("filing works again after the restart");
    assert!(
        back < Duration::from_secs(5),
        "back within seconds: {back:?}"
    );

    // Every acknowledged ticket is there.
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 20, "{}", acknowledged.len());
    let mut db = <diesel::PgConnection as diesel::Connection>::establish(&cluster.url()).unwrap();
    use diesel::prelude::*;
    let stored: Vec<String> = aduan::db::schema::tickets::table
        .select(aduan::db::schema::tickets::code)
        .load(&mut db)
        .unwrap();
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|c| !stored.contains(c))
        .collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    eprintln!("{} acknowledged tickets, 0 lost", acknowledged.len());
    server.stop();
}
