//! The failover test of the Patroni cluster (`deploy/ha/cluster.sh up`; run by
//! `deploy/ha/failover-test.sh`): two aduan instances on one fresh database of the cluster,
//! started together; eight clients file complaints through both — each complaint with its own
//! Idempotency-Key, retried (on the other instance) until it is answered — while the leader's
//! Patroni and postmaster are killed with SIGKILL; then the same with a replica killed. Counts
//! acknowledged complaints missing, duplicates, HTTP 500s, the longest gap between filings and
//! the killed nodes' rejoin as replicas, and prints one summary line. Ignored in the ordinary
//! suites: it needs the cluster, root, and about two minutes.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::binary::Server;
use common::pg_cluster::{send, send_with};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

const NODES: [u16; 3] = [1, 2, 3];

fn ha_dir() -> PathBuf {
    PathBuf::from(std::env::var("ADUAN_HA_DIR").unwrap_or_else(|_| "/var/tmp/aduan-ha".into()))
}

/// Every node in one URL, writes to the primary.
fn cluster_url(database: &str) -> String {
    format!(
        "postgres://postgres@127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003/{database}?target_session_attrs=read-write"
    )
}

/// A new database on the cluster: its name and URL.
fn fresh_database(prefix: &str) -> (String, String) {
    let name = format!("{prefix}_{}", uuid::Uuid::now_v7().simple());
    diesel::PgConnection::establish(&cluster_url("postgres"))
        .unwrap()
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let url = cluster_url(&name);
    (name, url)
}

fn drop_database(name: &str) {
    if let Ok(mut c) = diesel::PgConnection::establish(&cluster_url("postgres")) {
        let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

/// Patroni's view of node `n` (`role`, `state`, `replication_state`…), or None when it does
/// not answer.
fn patroni(n: u16) -> Option<serde_json::Value> {
    let (_, body) = send(8100 + n, "GET", "/patroni", "", "")?;
    serde_json::from_str(&body).ok()
}

/// The running nodes in `role` ("primary" or "replica").
fn nodes_in(role: &str) -> Vec<u16> {
    NODES
        .into_iter()
        .filter(|n| patroni(*n).is_some_and(|v| v["role"] == role && v["state"] == "running"))
        .collect()
}

/// Whether node `n` is a replica streaming from the primary.
fn streaming(n: u16) -> bool {
    patroni(n).is_some_and(|v| v["role"] == "replica" && v["replication_state"] == "streaming")
}

/// SIGKILL to node `n`'s Patroni, then to its postmaster: a machine lost at once.
fn kill_node(n: u16) {
    let dir = ha_dir().join(format!("node{n}"));
    let first_line = |p: PathBuf| {
        std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .lines()
            .next()
            .unwrap()
            .trim()
            .to_string()
    };
    let patroni = first_line(dir.join("patroni.pid"));
    let postmaster = first_line(dir.join("data/postmaster.pid"));
    for pid in [patroni, postmaster] {
        Command::new("kill").args(["-9", &pid]).status().unwrap();
    }
}

/// Starts what is down again (`cluster.sh up`: the killed node's Patroni, which rewinds and
/// follows the new leader) and waits until node `n` streams as a replica.
fn bring_back(n: u16) -> Duration {
    let started = Instant::now();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/ha/cluster.sh");
    let out = Command::new("bash").arg(script).arg("up").output().unwrap();
    assert!(
        out.status.success(),
        "cluster.sh up: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    while !streaming(n) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "node{n} did not rejoin as a streaming replica: {:?}",
            patroni(n)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    started.elapsed()
}

/// One complaint as a client sends it until it is answered.
struct Filing {
    /// Every attempt: when it was answered, and how.
    attempts: Vec<(Instant, u16)>,
    /// The tracking code of each successful answer (all the same, or it was filed twice).
    codes: Vec<String>,
}

/// Eight clients filing through both instances, each complaint retried until answered.
struct Load {
    stop: Arc<AtomicBool>,
    filings: Arc<Mutex<Vec<Filing>>>,
    clients: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(ports: [u16; 2], token: &str, clients: usize, tag: &str) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let filings = Arc::new(Mutex::new(Vec::new()));
        let clients = (0..clients)
            .map(|client| {
                let (stop, filings, token, tag) = (
                    stop.clone(),
                    filings.clone(),
                    token.to_string(),
                    tag.to_string(),
                );
                std::thread::spawn(move || {
                    let mut n = 0;
                    while !stop.load(Ordering::SeqCst) {
                        n += 1;
                        let filing = file_until_answered(ports, &token, client + n, || {
                            format!("https://www.instagram.com/p/HA/c/{tag}{client}{n:06}/")
                        });
                        filings.lock().unwrap().push(filing);
                    }
                })
            })
            .collect();
        Load {
            stop,
            filings,
            clients,
        }
    }

    fn finish(self) -> Vec<Filing> {
        self.stop.store(true, Ordering::SeqCst);
        for c in self.clients {
            c.join().unwrap();
        }
        std::mem::take(&mut *self.filings.lock().unwrap())
    }
}

/// Files one complaint, retrying with the same Idempotency-Key (each try on the other
/// instance) while the answer says to try again, for up to a minute.
fn file_until_answered(
    ports: [u16; 2],
    token: &str,
    first: usize,
    url: impl Fn() -> String,
) -> Filing {
    let key = uuid::Uuid::now_v7().to_string();
    let body = format!(
        r#"{{"source":{{"platform":"instagram","comment_url":"{}","text":"Jalan berlubang"}}}}"#,
        url()
    );
    let mut filing = Filing {
        attempts: Vec::new(),
        codes: Vec::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    for attempt in 0.. {
        let port = ports[(first + attempt) % 2];
        let key_line = format!("Idempotency-Key: {key}\r\n");
        let answer = send_with(port, ("POST", "/api/v1/tickets"), token, &key_line, &body);
        let status = answer.as_ref().map_or(0, |(s, _)| *s);
        filing.attempts.push((Instant::now(), status));
        if let Some((200 | 201, body)) = &answer {
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            filing.codes.push(v["code"].as_str().unwrap().to_string());
            return filing;
        }
        let again = matches!(status, 0 | 503 | 409);
        if !again || Instant::now() > deadline {
            return filing;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    filing
}

/// What one phase (a node killed under load) came to.
struct Phase {
    acknowledged: usize,
    lost: usize,
    duplicates: usize,
    http_500: usize,
    unanswered: usize,
    /// Every answer's status, counted.
    answers: std::collections::BTreeMap<u16, usize>,
    longest_gap: Duration,
    /// From the kill to the first filing after it.
    refiled_after: Option<Duration>,
    rejoined_in: Duration,
}

/// Files through both instances, kills node `victim` after two seconds, files on for `after`,
/// brings the node back, and counts.
fn phase(
    ports: [u16; 2],
    token: &str,
    url: &str,
    victim: u16,
    after: Duration,
    tag: &str,
) -> Phase {
    let load = Load::start(ports, token, 8, tag);
    std::thread::sleep(Duration::from_secs(2));
    eprintln!("[ha] killing node{victim}");
    let killed = Instant::now();
    kill_node(victim);
    std::thread::sleep(after);
    eprintln!("[ha] stopping the clients");
    let filings = load.finish();
    eprintln!("[ha] bringing node{victim} back");
    let rejoined_in = bring_back(victim);
    eprintln!("[ha] node{victim} streams again after {rejoined_in:?}");

    let mut conn = diesel::PgConnection::establish(url).unwrap();
    let stored: Vec<(String, String)> = aduan::db::schema::tickets::table
        .select((
            aduan::db::schema::tickets::code,
            aduan::db::schema::tickets::comment_key,
        ))
        .load(&mut conn)
        .unwrap();
    let codes: HashSet<&String> = stored.iter().map(|(c, _)| c).collect();
    let mut per_comment: HashMap<&String, usize> = HashMap::new();
    for (_, comment) in &stored {
        *per_comment.entry(comment).or_default() += 1;
    }
    let acknowledged: Vec<&Filing> = filings.iter().filter(|f| !f.codes.is_empty()).collect();
    let lost = acknowledged
        .iter()
        .filter(|f| !codes.contains(&f.codes[0]))
        .count();
    let duplicates = per_comment.values().filter(|n| **n > 1).count()
        + filings
            .iter()
            .filter(|f| f.codes.iter().collect::<HashSet<_>>().len() > 1)
            .count();
    let attempts: Vec<(Instant, u16)> = filings.iter().flat_map(|f| f.attempts.clone()).collect();
    let mut filed: Vec<Instant> = attempts
        .iter()
        .filter(|(_, s)| [200, 201].contains(s))
        .map(|(t, _)| *t)
        .collect();
    filed.sort();
    // The gap the kill made counts even when no filing came after it (until the end).
    let end = attempts.iter().map(|(t, _)| *t).max().unwrap_or(killed);
    let longest_gap = filed
        .windows(2)
        .map(|w| w[1] - w[0])
        .chain(
            filed
                .last()
                .map(|last| end.saturating_duration_since(*last)),
        )
        .max()
        .unwrap_or_default();
    let refiled_after = filed.iter().find(|t| **t > killed).map(|t| *t - killed);
    let count = |s: u16| attempts.iter().filter(|(_, x)| *x == s).count();
    Phase {
        acknowledged: acknowledged.len(),
        lost,
        duplicates,
        http_500: count(500),
        unanswered: count(0),
        answers: attempts
            .iter()
            .fold(std::collections::BTreeMap::new(), |mut m, (_, s)| {
                *m.entry(*s).or_default() += 1;
                m
            }),
        longest_gap,
        refiled_after,
        rejoined_in,
    }
}

#[test]
#[ignore = "needs the Patroni cluster (deploy/ha/cluster.sh up) and root: deploy/ha/failover-test.sh"]
fn failover_of_the_leader_and_of_a_replica_under_load() {
    let leader = nodes_in("primary");
    assert_eq!(leader.len(), 1, "one primary: run deploy/ha/cluster.sh up");
    let (name, url) = fresh_database("aduan_ha");

    // Two instances started together (one migrates and seeds, the other waits for it).
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let vars = [
        ("ADUAN_DB_POOL_SIZE", "8"),
        ("ADUAN_DB_CONNECT_WAIT_SECS", "120"),
        ("ADUAN_WORKERS", "2"),
    ];
    let servers = dirs
        .each_ref()
        .map(|d| Server::spawn(&url, d.path(), &vars));
    for s in &servers {
        s.wait_ready(Duration::from_secs(120));
    }
    let ports = [servers[0].port, servers[1].port];
    let token = servers[0].token();

    let leader_phase = phase(ports, &token, &url, leader[0], Duration::from_secs(35), "1");
    let replica = *nodes_in("replica").first().expect("a replica");
    let replica_phase = phase(ports, &token, &url, replica, Duration::from_secs(15), "2");

    let line = |p: &Phase| {
        format!(
            "acknowledged {} · lost {} · duplicates {} · HTTP 500 {} · answers {:?} · unanswered {} · \
             longest write gap {:.1} s · first filing {:.1} s after the kill · rejoined as \
             replica in {:.1} s",
            p.acknowledged,
            p.lost,
            p.duplicates,
            p.http_500,
            p.answers,
            p.unanswered,
            p.longest_gap.as_secs_f64(),
            p.refiled_after.map_or(f64::NAN, |d| d.as_secs_f64()),
            p.rejoined_in.as_secs_f64()
        )
    };
    println!(
        "FAILOVER leader node{}: {} | replica node{}: {}",
        leader[0],
        line(&leader_phase),
        replica,
        line(&replica_phase)
    );
    for s in servers {
        s.stop();
    }
    for p in [&leader_phase, &replica_phase] {
        assert_eq!(p.lost, 0, "acknowledged complaints lost");
        assert_eq!(p.duplicates, 0, "complaints filed twice");
        assert_eq!(p.http_500, 0, "HTTP 500 answers");
        assert!(p.acknowledged > 50, "filings went on: {}", p.acknowledged);
        assert!(
            p.refiled_after.is_some(),
            "filing again after the kill, aduan not restarted"
        );
    }
    assert!(
        leader_phase.longest_gap < Duration::from_secs(45),
        "writes came back without restarting aduan: {:?}",
        leader_phase.longest_gap
    );
    drop_database(&name);
}

/// An answer as the test reads it: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A browser's cookie jar over plain HTTP/1.1.
#[derive(Default)]
struct Browser {
    cookies: HashMap<String, String>,
}

impl Browser {
    fn request(&mut self, port: u16, method: &str, path: &str, form: &[(&str, &str)]) -> Answer {
        use std::io::{Read, Write};
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencoding(v)))
            .collect::<Vec<_>>()
            .join("&");
        let jar: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: aduan.test\r\nConnection: close\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            jar.join("; "),
            body.len()
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let out = String::from_utf8_lossy(&out).to_string();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        let mut lines = head.lines();
        let status = lines.next().unwrap().split_whitespace().nth(1).unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        for (k, v) in &headers {
            if k == "set-cookie" {
                let pair = v.split(';').next().unwrap();
                if let Some((name, value)) = pair.split_once('=') {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        Answer {
            status: status.parse().unwrap(),
            headers,
            body: body.to_string(),
        }
    }
}

fn urlencoding(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the hidden field `name` of the first form that has it.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the form's token") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

#[test]
#[ignore = "needs the Patroni cluster (deploy/ha/cluster.sh up) and haproxy: deploy/ha/failover-test.sh"]
fn two_instances_behind_haproxy_serve_one_console_user_without_sticky_sessions() {
    let (name, url) = fresh_database("aduan_lb");
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let servers = dirs.each_ref().map(|d| Server::spawn(&url, d.path(), &[]));
    for s in &servers {
        s.wait_ready(Duration::from_secs(120));
    }

    // HAProxy, round robin, no stickiness; it names the instance that answered.
    let port = common::receiver::free_port();
    let cfg = dirs[0].path().join("haproxy.cfg");
    std::fs::write(
        &cfg,
        format!(
            "defaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n\
             frontend aduan\n  bind 127.0.0.1:{port}\n  default_backend instances\n\
             backend instances\n  balance roundrobin\n  option httpchk GET /readyz\n\
             http-response set-header X-Served-By %[srv_name]\n\
             server a 127.0.0.1:{} check inter 1s\n  server b 127.0.0.1:{} check inter 1s\n",
            servers[0].port, servers[1].port
        ),
    )
    .unwrap();
    let mut haproxy = Command::new("haproxy")
        .arg("-db")
        .arg("-f")
        .arg(&cfg)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("haproxy (deploy/ha/cluster.sh installs it)");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "haproxy did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(1500)); // both checked healthy

    let mut browser = Browser::default();
    let mut served_by = HashSet::new();
    let form = browser.request(port, "GET", "/app/masuk", &[]);
    assert_eq!(form.status, 200, "{}", form.body);
    served_by.insert(form.header("x-served-by").unwrap().to_string());
    let csrf = hidden(&form.body, "csrf");
    let signed_in = browser.request(
        port,
        "POST",
        "/app/masuk",
        &[
            ("csrf", &csrf),
            ("lanjut", "/app/"),
            ("username", "admin"),
            ("password", common::ADMIN_PASSWORD),
        ],
    );
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    served_by.insert(signed_in.header("x-served-by").unwrap().to_string());
    let mut last = String::new();
    for _ in 0..4 {
        let page = browser.request(port, "GET", "/app/", &[]);
        assert_eq!(
            page.status, 200,
            "signed in on every instance: {}",
            page.body
        );
        served_by.insert(page.header("x-served-by").unwrap().to_string());
        last = page.body;
    }
    assert_eq!(served_by.len(), 2, "both instances served: {served_by:?}");

    // A form of one instance's page is accepted by the other; signing out holds on both.
    let out = browser.request(
        port,
        "POST",
        "/app/keluar",
        &[("csrf", &hidden(&last, "csrf"))],
    );
    assert_eq!(out.status, 303, "{}", out.body);
    for _ in 0..2 {
        let page = browser.request(port, "GET", "/app/", &[]);
        assert_eq!(page.status, 303, "signed out on every instance");
    }

    let _ = haproxy.kill();
    let _ = haproxy.wait();
    for s in servers {
        s.stop();
    }
    drop_database(&name);
}
