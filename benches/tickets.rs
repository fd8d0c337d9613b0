//! Ticket benchmark: prints figures, asserts nothing.
//!
//! For each backend (SQLite file, PostgreSQL database), it starts the real server on a local
//! port and
//! 1. files tickets over HTTP at concurrency 1, 16 and 64 and prints throughput and p50/p99
//!    latency; on PostgreSQL it runs `pgbench` with the same INSERT transaction at the same
//!    concurrency and prints both and the ratio;
//! 2. fills the database to 10,000 and then 1,000,000 tickets and times the first page of
//!    `GET /api/v1/tickets` with common filters, printing p50/p99 and the ratio between sizes;
//! 3. times webhook deliveries to a local receiver: from a filing's answer to the receiver
//!    having it, and how fast a burst of filings is delivered.
//!
//! `cargo bench --bench tickets`. Settings (environment):
//! `ADUAN_BENCH_BACKENDS` (`sqlite,postgres`), `ADUAN_BENCH_DATABASE_URL` (a PostgreSQL server
//! where the benchmark may create a database; default `postgres://postgres@127.0.0.1:5432/postgres`),
//! `ADUAN_BENCH_SECONDS` (per concurrency level, default 8), `ADUAN_BENCH_SIZES`
//! (`10000,1000000`), `ADUAN_BENCH_LIST_RUNS` (requests per list query, default 200),
//! `ADUAN_BENCH_PHASES` (`filing,lists,webhooks`), `ADUAN_BENCH_KEEP=1` (keep the PostgreSQL databases).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use aduan::config::Settings;
use aduan::state::AppState;

const PASSWORD: &str = "bench-password-123";

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

struct Bench {
    backend: String,
    state: AppState,
    base: String,
    dir: tempfile::TempDir,
    pg: Option<(String, String, String)>,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

fn ids(state: &AppState, sql: &str) -> Vec<String> {
    let mut c = state.db.conn().expect("connection");
    diesel::sql_query(sql)
        .load::<IdRow>(&mut *c)
        .expect(sql)
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

impl Bench {
    async fn start(backend: &str) -> Bench {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, pg) = match backend {
            "sqlite" => (
                format!("sqlite://{}", dir.path().join("bench.db").display()),
                None,
            ),
            _ => {
                let admin = env(
                    "ADUAN_BENCH_DATABASE_URL",
                    "postgres://postgres@127.0.0.1:5432/postgres",
                );
                let name = format!("aduan_bench_{}", uuid::Uuid::now_v7().simple());
                let mut c = diesel::PgConnection::establish(&admin).expect("PostgreSQL");
                c.batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create database");
                let mut u = url::Url::parse(&admin).expect("URL");
                u.set_path(&name);
                (u.to_string(), Some((admin, name, u.to_string())))
            }
        };
        let vars: HashMap<&str, String> = HashMap::from([
            ("DATABASE_URL", url),
            ("ADUAN_DATA_DIR", dir.path().display().to_string()),
            ("ADUAN_ADMIN_PASSWORD", PASSWORD.to_string()),
            (
                "ADUAN_JWT_SECRET",
                "bench-secret-bench-secret-bench-secret".to_string(),
            ),
        ]);
        let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("settings");
        let state = tokio::task::spawn_blocking(move || aduan::app::bootstrap::prepare(settings))
            .await
            .expect("join")
            .expect("start");
        let app_state = state.clone();
        let server = actix_web::HttpServer::new(move || aduan::build_app(app_state.clone()))
            .workers(2)
            .bind("127.0.0.1:0")
            .expect("bind");
        let addr = server.addrs()[0];
        let running = server.run();
        actix_web::rt::spawn(running);
        Bench {
            backend: backend.to_string(),
            state,
            base: format!("http://{addr}"),
            dir,
            pg,
        }
    }

    async fn token(&self, client: &awc::Client, username: &str) -> String {
        let mut r = client
            .post(format!("{}/api/v1/auth/token", self.base))
            .send_json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .await
            .expect("sign in");
        let v: serde_json::Value = r.json().await.expect("token");
        v["access_token"].as_str().expect("token").to_string()
    }

    async fn user(
        &self,
        client: &awc::Client,
        admin: &str,
        role: &str,
        agency: Option<&str>,
    ) -> String {
        let name = format!(
            "{role}-{}",
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        );
        let mut body = serde_json::json!({"username": name, "password": PASSWORD, "display_name": name, "role": role});
        if let Some(a) = agency {
            body["agency_id"] = serde_json::json!(a);
        }
        let r = client
            .post(format!("{}/api/v1/users", self.base))
            .bearer_auth(admin)
            .send_json(&body)
            .await
            .expect("create user");
        assert_eq!(r.status(), 201);
        self.token(client, &name).await
    }

    /// Files tickets with `wrk` (a separate, light load generator, like pgbench on the other
    /// side) from `concurrency` connections for `seconds`; returns tickets filed per second, or
    /// `None` when wrk is not installed.
    async fn file_with_wrk(
        &self,
        tokens: &[String],
        concurrency: usize,
        seconds: u64,
    ) -> Option<f64> {
        let script = self.dir.path().join("filing.lua");
        let tokens_lua = tokens
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ");
        std::fs::write(&script, WRK_SCRIPT.replace("TOKENS", &tokens_lua)).expect("wrk script");
        let before = count_tickets(&self.state);
        let threads = concurrency.min(2).to_string();
        let mut cmd = std::process::Command::new("wrk");
        cmd.args(["-t", &threads, "-c", &concurrency.to_string()])
            .args(["-d", &format!("{seconds}s"), "--latency", "-s"])
            .arg(&script)
            .arg(&self.base);
        let out = match tokio::task::spawn_blocking(move || cmd.output())
            .await
            .expect("wrk task")
        {
            Ok(o) if o.status.success() => o,
            Ok(o) => {
                println!("  wrk failed: {}", String::from_utf8_lossy(&o.stderr));
                return None;
            }
            Err(_) => return None,
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |prefix: &str| {
            text.lines()
                .map(str::trim)
                .find(|l| l.starts_with(prefix))
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap_or("?")
                .to_string()
        };
        let errors = text
            .lines()
            .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
            .map(str::trim)
            .unwrap_or("none");
        let filed = count_tickets(&self.state) - before;
        let rps = filed as f64 / seconds as f64;
        println!(
            "  {:<8} filing  c={concurrency:<3} {:>8.0} tickets/s  p50 {:>9}  p99 {:>9}  ({filed} filed; errors: {errors})",
            self.backend,
            rps,
            field("50%"),
            field("99%"),
        );
        Some(rps)
    }

    /// Files tickets from `concurrency` clients for `seconds`; returns requests per second.
    async fn file(
        &self,
        client: &awc::Client,
        tokens: &[String],
        concurrency: usize,
        seconds: u64,
    ) -> f64 {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let tasks = (0..concurrency).map(|i| {
            let token = tokens[i % tokens.len()].clone();
            let url = format!("{}/api/v1/tickets", self.base);
            async move {
                let mut lat = vec![];
                let mut errors = 0;
                while Instant::now() < deadline {
                    let n = NEXT.fetch_add(1, Ordering::Relaxed);
                    let body = serde_json::json!({
                        "source": {
                            "platform": "instagram",
                            "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/{n}/"),
                            "author": "warga_bench",
                            "text": "Pak, jalan di Desa Curugrendeng rusak parah, mohon diperbaiki"
                        },
                        "category": "jalan",
                        "region": "jalancagak"
                    });
                    let t = Instant::now();
                    match client.post(&url).bearer_auth(&token).send_json(&body).await {
                        Ok(mut r) if r.status() == 201 => {
                            let _ = r.body().await;
                            lat.push(t.elapsed());
                        }
                        Ok(mut r) => {
                            errors += 1;
                            let b = r.body().await.unwrap_or_default();
                            if errors < 3 {
                                eprintln!("filing answered {}: {}", r.status(), String::from_utf8_lossy(&b));
                            }
                        }
                        Err(e) => {
                            errors += 1;
                            if errors < 3 {
                                eprintln!("filing failed: {e}");
                            }
                        }
                    }
                }
                (lat, errors)
            }
        });
        let results = futures_util::future::join_all(tasks).await;
        let elapsed = started.elapsed().as_secs_f64();
        let mut lat: Vec<Duration> = results
            .iter()
            .flat_map(|(l, _)| l.iter().copied())
            .collect();
        let errors: usize = results.iter().map(|(_, e)| e).sum();
        lat.sort();
        let rps = lat.len() as f64 / elapsed;
        println!(
            "  {:<8} filing  c={concurrency:<3} {:>8.0} tickets/s  p50 {:>7.2} ms  p99 {:>7.2} ms  ({} filed, {errors} errors)",
            self.backend,
            rps,
            percentile(&lat, 0.50),
            percentile(&lat, 0.99),
            lat.len()
        );
        rps
    }

    /// `pgbench` with the filing transaction at `concurrency` clients; returns transactions/s.
    async fn pgbench(
        &self,
        concurrency: usize,
        seconds: u64,
        script: &std::path::Path,
    ) -> Option<f64> {
        let (_, _, url) = self.pg.as_ref()?;
        let jur = ids(&self.state, "SELECT id FROM jurisdictions").pop()?;
        let user = ids(&self.state, "SELECT id FROM users WHERE username = 'admin'").pop()?;
        let category = ids(
            &self.state,
            "SELECT id FROM categories WHERE code = 'jalan'",
        )
        .pop()?;
        let region = ids(
            &self.state,
            "SELECT id FROM regions WHERE code = 'jalancagak'",
        )
        .pop()?;
        let out = std::process::Command::new("pgbench")
            .args(["-n", "-M", "prepared", "-f"])
            .arg(script)
            .args([
                "-c",
                &concurrency.to_string(),
                "-j",
                &concurrency.min(2).to_string(),
            ])
            .args(["-T", &seconds.to_string()])
            .args(["-D", &format!("jur={jur}"), "-D", &format!("user={user}")])
            .args([
                "-D",
                &format!("cat={category}"),
                "-D",
                &format!("reg={region}"),
            ])
            .arg(url)
            .output();
        let out = match out {
            Ok(o) => o,
            Err(e) => {
                println!("  pgbench could not run: {e}");
                return None;
            }
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let tps = text
            .lines()
            .find(|l| l.starts_with("tps = "))
            .and_then(|l| l.split_whitespace().nth(2))
            .and_then(|v| v.parse::<f64>().ok());
        let latency = text
            .lines()
            .find(|l| l.starts_with("latency average"))
            .map(|l| l.trim_start_matches("latency average = ").to_string())
            .unwrap_or_default();
        if tps.is_none() {
            println!("  pgbench failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        if let Some(t) = tps {
            println!(
                "  pgbench  same tx c={concurrency:<3} {t:>8.0} tx/s       latency avg {latency}"
            );
        }
        tps
    }

    /// Adds synthetic tickets until there are `target`, spread over the past two years.
    async fn fill(&self, target: usize) {
        let state = self.state.clone();
        let backend = self.backend.clone();
        tokio::task::spawn_blocking(move || fill(&state, &backend, target))
            .await
            .expect("fill");
    }
    /// Times the first page of each list query; returns the p50 of each, in ms.
    async fn lists(
        &self,
        client: &awc::Client,
        queries: &[(&str, String, String)],
        runs: usize,
        size: usize,
    ) -> Vec<f64> {
        let mut p50s = vec![];
        for (name, token, query) in queries {
            let url = format!("{}/api/v1/tickets?{query}", self.base);
            let mut lat = vec![];
            let mut items = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let mut r = client
                    .get(&url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .expect("list");
                let body = r.body().limit(16 << 20).await.expect("body");
                lat.push(t.elapsed());
                assert_eq!(
                    r.status(),
                    200,
                    "{name}: {}",
                    String::from_utf8_lossy(&body)
                );
                items = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["items"].as_array().map(|a| a.len()))
                    .unwrap_or(0);
            }
            lat.sort();
            let p50 = percentile(&lat, 0.5);
            println!(
                "  {:<8} list {size:>8} {name:<28} p50 {p50:>7.2} ms  p99 {:>7.2} ms  ({items} items)",
                self.backend,
                percentile(&lat, 0.99)
            );
            p50s.push(p50);
        }
        p50s
    }

    fn drop_database(&mut self) {
        if std::env::var("ADUAN_BENCH_KEEP").is_ok_and(|v| v == "1") {
            if let Some((_, _, url)) = &self.pg {
                println!("  kept {url}");
            }
            return;
        }
        if let Some((admin, name, _)) = self.pg.take() {
            if let Ok(mut c) = diesel::PgConnection::establish(&admin) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// Adds synthetic tickets until there are `target`, spread over the past two years.
fn fill(state: &AppState, backend: &str, target: usize) {
    let have = ids(state, "SELECT CAST(COUNT(*) AS TEXT) AS id FROM tickets")
        .pop()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    if have >= target {
        return;
    }
    let jur = ids(state, "SELECT id FROM jurisdictions")
        .pop()
        .expect("jurisdiction");
    let filer = ids(state, "SELECT id FROM users WHERE username = 'admin'")
        .pop()
        .expect("admin");
    let categories = ids(state, "SELECT id FROM categories ORDER BY code");
    let regions = ids(state, "SELECT id FROM regions ORDER BY code");
    let agencies = ids(state, "SELECT id FROM agencies ORDER BY code");
    let statuses = [
        "new",
        "routed",
        "assigned",
        "in_progress",
        "resolved",
        "closed",
        "closed",
        "closed",
        "rejected",
        "returned",
    ];
    let platforms = [
        "instagram",
        "facebook",
        "tiktok",
        "x",
        "youtube",
        "whatsapp",
    ];
    let words = [
        "jalan rusak berlubang",
        "lampu jalan mati",
        "sampah menumpuk",
        "banjir di perumahan",
        "pelayanan puskesmas lambat",
        "air PDAM keruh",
        "jembatan retak",
        "pungutan liar di pasar",
    ];
    let started = Instant::now();
    let span = Duration::from_secs(2 * 365 * 86400);
    let now = chrono::Utc::now().naive_utc() - chrono::Duration::days(1);
    let mut conn = state.db.conn().expect("connection");
    let batch = 1000;
    let mut i = have;
    while i < target {
        let mut sql = String::from(
            "INSERT INTO tickets (id, jurisdiction_id, code, status, title, description, category_id, \
             region_id, agency_id, platform, comment_key, comment_text, anonymous, confidential, \
             filed_by, version, created_at, updated_at) VALUES ",
        );
        let end = (i + batch).min(target);
        for n in i..end {
            // Older tickets first, so ids ascend with n as real filings would.
            let back = span.as_secs_f64() * (1.0 - n as f64 / target as f64);
            let at = now - chrono::Duration::milliseconds((back * 1000.0) as i64);
            let at = at.and_utc().naive_utc();
            let id = aduan::db::new_id_at(at);
            // Hashed, so that status, agency, category and region vary independently.
            let h = |salt: u64, len: usize| (mix(n as u64 * 16 + salt) % len as u64) as usize;
            let status = statuses[h(1, statuses.len())];
            let agency = if status == "new" {
                "NULL".to_string()
            } else {
                format!("'{}'", agencies[h(2, agencies.len())])
            };
            let text = words[h(3, words.len())];
            if n > i {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{id}','{jur}','BEN-{n:08}','{status}','Aduan {n}: {text}',NULL,'{cat}','{reg}',{agency},'{platform}','bench:{n}','Mohon ditindak, {text} sejak minggu lalu',FALSE,FALSE,'{filer}',1,'{at}','{at}')",
                cat = categories[h(4, categories.len())],
                reg = regions[h(5, regions.len())],
                platform = platforms[h(6, platforms.len())],
                at = at.format("%Y-%m-%d %H:%M:%S%.6f"),
            ));
        }
        conn.batch_execute(&sql).expect("insert batch");
        i = end;
    }
    if backend == "postgres" {
        conn.batch_execute("VACUUM ANALYZE tickets")
            .expect("analyze");
    } else {
        conn.batch_execute("ANALYZE").expect("analyze");
    }
    println!(
        "  {:<8} filled to {target} tickets in {:.1} s",
        backend,
        started.elapsed().as_secs_f64()
    );
}

fn dpupr_of(b: &Bench) -> String {
    ids(&b.state, "SELECT id FROM agencies WHERE code = 'dpupr'")
        .pop()
        .expect("dpupr")
}

fn count_tickets(state: &AppState) -> i64 {
    ids(state, "SELECT CAST(COUNT(*) AS TEXT) AS id FROM tickets")
        .pop()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// wrk's request generator: a new comment per request, the PICs' tokens in turn.
const WRK_SCRIPT: &str = r#"
local tokens = { TOKENS }
local n = 0
local prefix = nil
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  if not prefix then prefix = tostring(os.time()) .. "-" .. tostring(tid or 0) .. "-" end
  n = n + 1
  wrk.headers["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1]
  local body = '{"source":{"platform":"instagram","comment_url":"https://www.instagram.com/p/DLq3abcXYZ1/c/'
    .. prefix .. n .. '/","author":"warga_bench","text":"Pak, jalan di Desa Curugrendeng rusak parah, mohon diperbaiki"},'
    .. '"category":"jalan","region":"jalancagak"}'
  return wrk.format(nil, "/api/v1/tickets", nil, body)
end
"#;

/// splitmix64: spreads consecutive numbers evenly and independently.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const PGBENCH_SCRIPT: &str = r#"\set n random(1, 2000000000)
BEGIN;
SELECT id FROM tickets WHERE jurisdiction_id = :jur AND comment_key = 'pgbench:' || :client_id || ':' || :n;
SELECT id, default_agency_id FROM categories WHERE jurisdiction_id = :jur AND code = 'jalan';
SELECT id FROM regions WHERE jurisdiction_id = :jur AND code = 'jalancagak';
INSERT INTO ticket_counters (jurisdiction_id, year, last) VALUES (:jur, 2026, 1) ON CONFLICT (jurisdiction_id, year) DO UPDATE SET last = ticket_counters.last + 1 RETURNING last;
INSERT INTO tickets (id, jurisdiction_id, code, status, title, category_id, region_id, suggested_agency_id, platform, comment_url, comment_key, author, comment_text, anonymous, confidential, filed_by, version, created_at, updated_at, next_due_at) VALUES ('pgb-' || :client_id || '-' || :n, :jur, 'PGB-' || :client_id || '-' || :n, 'new', 'Pak, jalan di Desa Curugrendeng rusak parah, mohon diperbaiki', :cat, :reg, :agency, 'instagram', 'https://www.instagram.com/p/DLq3abcXYZ1/c/' || :n, 'pgbench:' || :client_id || ':' || :n, 'warga_bench', 'Pak, jalan di Desa Curugrendeng rusak parah, mohon diperbaiki', FALSE, FALSE, :user, 1, now(), now(), now() + interval '24 hours');
INSERT INTO ticket_events (ticket_id, seq, jurisdiction_id, action, actor_id, at, from_status, to_status, data) VALUES ('pgb-' || :client_id || '-' || :n, 1, :jur, 'file', :user, now(), NULL, 'new', '{"channel":"instagram"}');
SELECT jurisdiction_id, scope, clock, enabled, target, unit, updated_at FROM sla_targets WHERE jurisdiction_id = :jur AND scope IN ('default', :cat);
SELECT DISTINCT date FROM holidays WHERE jurisdiction_id = :jur AND date >= current_date - 1;
INSERT INTO ticket_clocks (ticket_id, clock, jurisdiction_id, state, target, unit, started_at, due_at, stopped_at, paused_at) VALUES ('pgb-' || :client_id || '-' || :n, 'first_response', :jur, 'running', 24, 'hours', now(), now() + interval '24 hours', NULL, NULL);
INSERT INTO ticket_clocks (ticket_id, clock, jurisdiction_id, state, target, unit, started_at, due_at, stopped_at, paused_at) VALUES ('pgb-' || :client_id || '-' || :n, 'verify', :jur, 'running', 3, 'working_days', now(), now() + interval '3 days', NULL, NULL);
INSERT INTO ticket_rollups (jurisdiction_id, metric, dim, day, key, stripe, count) VALUES (:jur, 'filed', 'agency', current_date, '', :n % 8, 1) ON CONFLICT (jurisdiction_id, metric, dim, day, key, stripe) DO UPDATE SET count = ticket_rollups.count + 1;
INSERT INTO ticket_rollups (jurisdiction_id, metric, dim, day, key, stripe, count) VALUES (:jur, 'filed', 'category', current_date, :cat, :n % 8, 1) ON CONFLICT (jurisdiction_id, metric, dim, day, key, stripe) DO UPDATE SET count = ticket_rollups.count + 1;
INSERT INTO ticket_rollups (jurisdiction_id, metric, dim, day, key, stripe, count) VALUES (:jur, 'filed', 'region', current_date, :reg, :n % 8, 1) ON CONFLICT (jurisdiction_id, metric, dim, day, key, stripe) DO UPDATE SET count = ticket_rollups.count + 1;
INSERT INTO recap_facts (jurisdiction_id, day, kind, subject, figure, ticket_id, detail, minutes) VALUES (:jur, current_date, 'user', :user, 'filed', 'pgb-' || :client_id || '-' || :n, '', NULL);
SELECT id, url, secret, events FROM webhooks WHERE jurisdiction_id = :jur AND active;
COMMIT;
"#;

fn client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(60))
        .connector(awc::Connector::new().limit(256))
        .finish()
}

/// Filing over HTTP at three levels of concurrency, and pgbench beside it on PostgreSQL.
async fn filing(backend: &str) {
    let seconds: u64 = env("ADUAN_BENCH_SECONDS", "8").parse().unwrap_or(8);
    let mut b = Bench::start(backend).await;
    let setup = client();
    let admin = b.token(&setup, "admin").await;
    let mut pics = vec![];
    for _ in 0..4 {
        pics.push(b.user(&setup, &admin, "pic", Some(&dpupr_of(&b))).await);
    }
    println!("\n== {backend}: filing over HTTP ({seconds} s per level) ==");
    // What every request pays before its own work: HTTP, the token, the sign-in check.
    let mut lat = vec![];
    for _ in 0..2000 {
        let t = Instant::now();
        let mut r = setup
            .get(format!("{}/api/v1/jurisdiction", b.base))
            .bearer_auth(&pics[0])
            .send()
            .await
            .expect("jurisdiction");
        let _ = r.body().await;
        lat.push(t.elapsed());
    }
    lat.sort();
    println!(
        "  {backend:<8} baseline: a signed-in GET (one query) p50 {:.2} ms  p99 {:.2} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
    let body = serde_json::json!({"source": {"platform": "instagram", "text": "x",
        "comment_url": "https://www.instagram.com/p/A/c/0/"}});
    setup
        .post(format!("{}/api/v1/tickets", b.base))
        .bearer_auth(&pics[0])
        .send_json(&body)
        .await
        .expect("first filing");
    // The first filing of `body` is a 201 outside the timing; every timed one is the 200 path.
    for (name, body) in [
        (
            "refused filing (422)",
            serde_json::json!({"source": {"platform": "instagram", "text": "x"}}),
        ),
        ("repeated filing (200)", body),
    ] {
        let mut lat = vec![];
        for _ in 0..1000 {
            let t = Instant::now();
            let mut r = setup
                .post(format!("{}/api/v1/tickets", b.base))
                .bearer_auth(&pics[0])
                .send_json(&body)
                .await
                .expect("post");
            let _ = r.body().await;
            lat.push(t.elapsed());
        }
        lat.sort();
        println!(
            "  {backend:<8} baseline: {name:<21} p50 {:.2} ms  p99 {:.2} ms",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99)
        );
    }
    let script = b.dir.path().join("filing.pgbench");
    std::fs::write(&script, PGBENCH_SCRIPT).expect("script");
    // A table with statistics, as in service (on an empty, unanalysed table PostgreSQL plans
    // the duplicate check as a scan and keeps that plan), then both sides warmed up.
    b.fill(10_000).await;
    let _ = b.file_with_wrk(&pics, 4, 2).await;
    let _ = b.pgbench(4, 2, &script).await;
    println!("  (the two lines above warmed up)");
    for c in [1, 16, 64] {
        let rps = match b.file_with_wrk(&pics, c, seconds).await {
            Some(rps) => rps,
            None => {
                println!("  (wrk not found: the in-process client measures instead; it costs the server CPU)");
                b.file(&client(), &pics, c, seconds).await
            }
        };
        if let Some(tps) = b.pgbench(c, seconds, &script).await {
            println!("  ratio aduan/pgbench at c={c}: {:.0}%", 100.0 * rps / tps);
        }
    }
    b.drop_database();
}

/// The first page of lists at each size, on a database holding only synthetic tickets.
async fn lists(backend: &str) {
    let runs: usize = env("ADUAN_BENCH_LIST_RUNS", "200").parse().unwrap_or(200);
    let sizes: Vec<usize> = env("ADUAN_BENCH_SIZES", "10000,1000000")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!("\n== {backend}: first page of lists ==");
    let mut b = Bench::start(backend).await;
    let client = client();
    let admin = b.token(&client, "admin").await;
    let pic = b.user(&client, &admin, "pic", Some(&dpupr_of(&b))).await;
    let coordinator = b.user(&client, &admin, "coordinator", None).await;
    let dpupr = dpupr_of(&b);
    let queries: Vec<(&str, String, String)> = vec![
        ("newest", coordinator.clone(), "limit=50".into()),
        (
            "status=in_progress",
            coordinator.clone(),
            "status=in_progress".into(),
        ),
        (
            "agency+status",
            coordinator.clone(),
            format!("agency_id={dpupr}&status=closed"),
        ),
        (
            "category+region",
            coordinator.clone(),
            "category=jalan&region=jalancagak".into(),
        ),
        (
            "platform+filed_after",
            coordinator.clone(),
            "platform=tiktok&filed_after=2025-06-01".into(),
        ),
        (
            "q=jalan rusak",
            coordinator.clone(),
            "q=jalan%20rusak".into(),
        ),
        // One ticket of all has the word `4242` (in its title): a rare word.
        ("q=4242 (rare)", coordinator.clone(), "q=4242".into()),
        ("agency PIC (own+filed)", pic.clone(), "limit=50".into()),
    ];
    let mut first: Option<(usize, Vec<f64>)> = None;
    for size in sizes {
        b.fill(size).await;
        let p50s = b.lists(&client, &queries, runs, size).await;
        if let Some((small, base)) = &first {
            for ((name, _, _), (p, q)) in queries.iter().zip(p50s.iter().zip(base)) {
                println!(
                    "  {backend:<8} ratio {size}/{small} {name:<28} {:.2}×",
                    p / q
                );
            }
        } else {
            first = Some((size, p50s));
        }
    }
    b.drop_database();
}

/// Webhook delivery latency: from the filing's 201 to the receiver (a local actix server)
/// having the `filed` delivery, one ticket at a time; then a burst filed by 16 clients and the
/// time until every delivery has arrived.
async fn webhooks(backend: &str) {
    use std::sync::{Arc, Mutex};
    let mut b = Bench::start(backend).await;
    actix_web::rt::spawn(aduan::jobs::webhooks::run(b.state.clone()));
    let arrivals: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let seen = arrivals.clone();
    let receiver = actix_web::HttpServer::new(move || {
        let seen = seen.clone();
        actix_web::App::new().route(
            "/hook",
            actix_web::web::post().to(move |body: actix_web::web::Bytes| {
                let seen = seen.clone();
                async move {
                    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    if let Some(id) = v["ticket"]["id"].as_str() {
                        seen.lock().unwrap().insert(id.to_string(), Instant::now());
                    }
                    actix_web::HttpResponse::Ok().finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("bind receiver");
    let hook_url = format!("http://{}/hook", receiver.addrs()[0]);
    actix_web::rt::spawn(receiver.run());
    let c = client();
    let admin = b.token(&c, "admin").await;
    let r = c
        .post(format!("{}/api/v1/webhooks", b.base))
        .bearer_auth(&admin)
        .send_json(&serde_json::json!({"url": hook_url, "secret": "bench-secret-bench-secret", "events": ["filed"]}))
        .await
        .expect("webhook");
    assert_eq!(r.status(), 201);
    println!("\n== {backend}: webhook delivery ==");
    let file = |n: u64| {
        let c = &c;
        let base = &b.base;
        let admin = &admin;
        async move {
            let body = serde_json::json!({"source": {"platform": "instagram", "text": "Lampu jalan mati",
                "comment_url": format!("https://www.instagram.com/p/W/c/{n}/")}});
            let mut r = c
                .post(format!("{base}/api/v1/tickets"))
                .bearer_auth(admin)
                .send_json(&body)
                .await
                .expect("file");
            let v: serde_json::Value = r.json().await.expect("ticket");
            (v["id"].as_str().expect("id").to_string(), Instant::now())
        }
    };
    let mut lat = vec![];
    for n in 0..300u64 {
        let (id, answered) = file(n).await;
        loop {
            if let Some(at) = arrivals.lock().unwrap().get(&id) {
                lat.push(at.saturating_duration_since(answered));
                break;
            }
            actix_web::rt::time::sleep(Duration::from_micros(200)).await;
        }
    }
    lat.sort();
    println!(
        "  {backend:<8} one at a time: 201 → receiver p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0)
    );
    let started = Instant::now();
    let burst = 2000u64;
    let next = AtomicU64::new(1000);
    let workers = (0..16).map(|_| async {
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            if n >= 1000 + burst {
                break;
            }
            file(n).await;
        }
    });
    futures_util::future::join_all(workers).await;
    let filed = started.elapsed();
    while arrivals.lock().unwrap().len() < (300 + burst) as usize {
        actix_web::rt::time::sleep(Duration::from_millis(1)).await;
    }
    let all = started.elapsed();
    println!(
        "  {backend:<8} burst of {burst} filings by 16 clients: filed in {:.2} s, all delivered after {:.2} s ({:.0} deliveries/s)",
        filed.as_secs_f64(),
        all.as_secs_f64(),
        burst as f64 / all.as_secs_f64()
    );
    b.drop_database();
}

fn main() {
    let backends = env("ADUAN_BENCH_BACKENDS", "sqlite,postgres");
    let phases = env("ADUAN_BENCH_PHASES", "filing,lists,webhooks");
    actix_web::rt::System::new().block_on(async {
        for backend in backends.split(',').map(str::trim) {
            if phases.contains("filing") {
                filing(backend).await;
            }
            if phases.contains("lists") {
                lists(backend).await;
            }
            if phases.contains("webhooks") {
                webhooks(backend).await;
            }
        }
    });
}
