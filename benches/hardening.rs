//! Hardening benchmark: prints figures, asserts nothing. Against the real binary (bench
//! profile, SQLite in a temporary folder):
//! 1. 2,000 bad sign-ins at once, each from its own address (through a trusted proxy, so no
//!    per-address limit helps: the cap on password hashes is what holds) — peak RSS of the
//!    server, and the time a legitimate sign-in and a ticket list take meanwhile, beside the
//!    same two with no flood and the RSS at rest;
//! 2. a 1 GiB Open311 POST without a key, declared (`Content-Length`) and undeclared
//!    (chunked): the time until it is refused and the RSS before and after.
//!
//! `cargo bench --bench hardening`. `ADUAN_BENCH_FLOOD` sets the number of bad sign-ins.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-password-123";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// One request; the status and body, or `None` without an answer.
fn request(port: u16, head: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(120))).ok()?;
    let req = format!(
        "{head}\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, out.split_once("\r\n\r\n")?.1.to_string()))
}

fn sign_in(port: u16, from: &str, user: &str, password: &str) -> Option<(u16, String)> {
    request(
        port,
        &format!("POST /api/v1/auth/token HTTP/1.1\r\nX-Forwarded-For: {from}"),
        &format!(r#"{{"username":"{user}","password":"{password}"}}"#),
    )
}

/// A legitimate sign-in and a ticket list, timed.
fn legit(port: u16) -> (Duration, Duration) {
    let t = Instant::now();
    let (status, body) = sign_in(port, "198.51.100.250", "admin", PASSWORD).expect("sign-in");
    let signed_in = t.elapsed();
    assert_eq!(status, 200, "{body}");
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let t = Instant::now();
    let (status, _) = request(
        port,
        &format!("GET /api/v1/tickets?limit=50 HTTP/1.1\r\nAuthorization: Bearer {token}"),
        "",
    )
    .expect("list");
    assert_eq!(status, 200);
    (signed_in, t.elapsed())
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let flood: usize = std::env::var("ADUAN_BENCH_FLOOD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_aduan"))
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env("ADUAN_BIND", format!("127.0.0.1:{port}"))
            .env("ADUAN_ADMIN_PASSWORD", PASSWORD)
            .env("ADUAN_TRUSTED_PROXIES", "127.0.0.1/32")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let pid = server.0.id();
    let start = Instant::now();
    while request(port, "GET /readyz HTTP/1.1", "").map(|r| r.0) != Some(200) {
        assert!(start.elapsed() < Duration::from_secs(60), "no start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    println!("hardening benchmark: release-like binary, SQLite, {cores} cores");

    // 1. The anchor: at rest.
    let rest_rss = rss_kib(pid);
    let (si, li) = legit(port);
    println!(
        "at rest:      RSS {:>7} KiB; legitimate sign-in {:>7.1} ms, ticket list {:>6.1} ms",
        rest_rss,
        si.as_secs_f64() * 1e3,
        li.as_secs_f64() * 1e3
    );

    // The second anchor: as many requests at once that cost nothing (401 without a token), to
    // tell what 2,000 connections cost from what 2,000 sign-ins cost.
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                peak.fetch_max(rss_kib(pid), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let cheap: Vec<_> = (0..flood)
        .map(|_| {
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || request(port, "GET /api/v1/me HTTP/1.1", "").map_or(0, |r| r.0))
                .unwrap()
        })
        .collect();
    let cheap: Vec<u16> = cheap.into_iter().map(|t| t.join().unwrap()).collect();
    done.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    println!(
        "{flood} unauthenticated requests at once (401: {}): RSS peak {:>7} KiB",
        cheap.iter().filter(|s| **s == 401).count(),
        peak.load(Ordering::SeqCst)
    );

    // The flood, with an RSS sampler beside it.
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                peak.fetch_max(rss_kib(pid), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let started = Instant::now();
    let attackers: Vec<_> = (0..flood)
        .map(|i| {
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || {
                    let from = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
                    sign_in(port, &from, &format!("nobody{i}"), "not the password")
                        .map_or(0, |r| r.0)
                })
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (sf, lf) = legit(port);
    let statuses: Vec<u16> = attackers.into_iter().map(|t| t.join().unwrap()).collect();
    let flood_took = started.elapsed();
    done.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    let count = |s: u16| statuses.iter().filter(|x| **x == s).count();
    std::thread::sleep(Duration::from_secs(2));
    println!(
        "{flood} bad sign-ins at once: RSS peak {:>7} KiB (2 s after: {} KiB); legitimate sign-in {:>7.1} ms, ticket list {:>6.1} ms",
        peak.load(Ordering::SeqCst),
        rss_kib(pid),
        sf.as_secs_f64() * 1e3,
        lf.as_secs_f64() * 1e3
    );
    println!(
        "   answers: {} × 401, {} × 429, {} × 503, {} without answer; all answered in {:.1} s",
        count(401),
        count(429),
        count(503),
        count(0),
        flood_took.as_secs_f64()
    );

    // 2. A 1 GiB Open311 POST without a key.
    for declared in [true, false] {
        let before = rss_kib(pid);
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let head = if declared {
            "POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1073741824\r\n\r\n".to_string()
        } else {
            "POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n".to_string()
        };
        let t = Instant::now();
        s.write_all(head.as_bytes()).unwrap();
        // Send the body on a second thread until the server answers or closes.
        let mut writer = s.try_clone().unwrap();
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let pump = std::thread::spawn(move || {
            let chunk = vec![b'a'; 1 << 20];
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            for _ in 0..1024 {
                let part = if declared { &chunk } else { &framed };
                if writer.write_all(part).is_err() {
                    break;
                }
                counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
            }
        });
        let mut first = [0u8; 12];
        let got = s.read(&mut first).unwrap_or(0);
        let took = t.elapsed();
        let sent_then = sent.load(Ordering::SeqCst);
        let answer = String::from_utf8_lossy(&first[..got]).to_string();
        drop(s);
        let _ = pump.join();
        println!(
            "1 GiB Open311 POST without a key ({}): answered {:?} after {:.1} ms, {} MiB sent by then, {} MiB taken in all; RSS {} → {} KiB",
            if declared { "Content-Length" } else { "chunked" },
            answer.trim(),
            took.as_secs_f64() * 1e3,
            sent_then >> 20,
            sent.load(Ordering::SeqCst) >> 20,
            before,
            rss_kib(pid)
        );
    }
    drop(server);
}
