//! What the benchmarks at scale share: a database filled with synthetic tickets (kept between
//! runs, shared by every bench that asks for the same number), the real server started on it,
//! users made and signed in through the API.
//!
//! The filled databases: SQLite in `ADUAN_BENCH_DATA` (default `target/bench-analytics`),
//! PostgreSQL as the database `aduan_bench_analytics_<N>` on `ADUAN_BENCH_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); `ADUAN_BENCH_FRESH=1` starts them again.

#![allow(dead_code)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use aduan::config::Settings;
use aduan::state::AppState;

pub const PASSWORD: &str = "bench-password-123";

pub fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

pub fn p(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[derive(QueryableByName)]
pub struct Count {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

pub fn count(state: &AppState, sql: &str) -> i64 {
    let mut c = state.db.conn().expect("connection");
    diesel::sql_query(sql)
        .get_result::<Count>(&mut *c)
        .map(|r| r.n)
        .unwrap_or(0)
}

/// The database URL for `backend`, created (or emptied with `ADUAN_BENCH_FRESH=1`).
pub fn database(backend: &str, tickets: usize) -> String {
    let fresh = env("ADUAN_BENCH_FRESH", "") == "1";
    if backend == "sqlite" {
        let dir = std::path::PathBuf::from(env("ADUAN_BENCH_DATA", "target/bench-analytics"));
        std::fs::create_dir_all(&dir).expect("bench folder");
        let file = dir.join(format!("analytics-{tickets}.db"));
        if fresh {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        return format!("sqlite://{}", file.display());
    }
    let admin = env(
        "ADUAN_BENCH_DATABASE_URL",
        "postgres://postgres@127.0.0.1:5432/postgres",
    );
    let name = format!("aduan_bench_analytics_{tickets}");
    let mut c = diesel::PgConnection::establish(&admin).expect("PostgreSQL");
    if fresh {
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .expect("drop");
    }
    let _ = c.batch_execute(&format!("CREATE DATABASE {name}"));
    let mut u = url::Url::parse(&admin).expect("URL");
    u.set_path(&name);
    u.to_string()
}

pub fn fill(state: &AppState, backend: &str, target: usize, days: i64) {
    let have = count(state, "SELECT COUNT(*) AS n FROM tickets") as usize;
    if have >= target {
        println!("  {backend:<8} {have} tickets already there");
        return;
    }
    let jur = {
        let mut c = state.db.conn().expect("connection");
        aduan::db::models::jurisdiction::first(&mut c)
            .expect("jurisdiction")
            .expect("a jurisdiction")
    };
    let started = Instant::now();
    let now = Utc::now();
    let mut done = have;
    while done < target {
        let n = (target - done).min(5000);
        let opts = aduan::cli::synthetic::Options {
            tickets: n,
            days,
            seed: 0xA11CE + done as u64,
            now,
        };
        let j = jur.clone();
        state
            .db
            .write_blocking(move |c| {
                c.transaction(|c| {
                    aduan::cli::synthetic::generate(c, &j, &opts)
                        .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))
                })
                .map_err(aduan::db::DbError::from)
            })
            .expect("synthetic batch");
        done += n;
        if done % 100_000 < 5000 {
            println!(
                "  {backend:<8} {done} tickets ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let filled = started.elapsed();
    let t = Instant::now();
    let rows = state
        .db
        .write_blocking(|c| {
            aduan::service::projections::rebuild(c, &jur.id, jur.tz())
                .map_err(aduan::db::DbError::from)
        })
        .expect("rebuild");
    let mut c = state.db.conn().expect("connection");
    if backend == "postgres" {
        // Longer than the service's statement timeout; VACUUM runs outside a transaction, so
        // the timeout is lifted on this connection around it.
        c.batch_execute("SET statement_timeout = 0")
            .expect("no timeout");
        c.batch_execute("VACUUM ANALYZE").expect("analyze");
        let back = state.settings.db_statement_timeout_ms;
        c.batch_execute(&format!("SET statement_timeout = {back}"))
            .expect("timeout");
    } else {
        c.batch_execute("ANALYZE").expect("analyze");
    }
    println!(
        "  {backend:<8} filled to {target} tickets in {:.0} s; rollups rebuilt in {:.1} s ({rows} rows)",
        filled.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
}

pub async fn start(backend: &str, url: String, dir: &std::path::Path) -> (AppState, String) {
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", url),
        ("ADUAN_DATA_DIR", dir.display().to_string()),
        ("ADUAN_ADMIN_PASSWORD", PASSWORD.to_string()),
        (
            "ADUAN_JWT_SECRET",
            "bench-secret-bench-secret-bench-secret".to_string(),
        ),
        // The escalation task would otherwise sweep a million clocks while we time.
        ("ADUAN_ESCALATION_INTERVAL_MS", "3600000".to_string()),
    ]);
    let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("settings");
    let state = tokio::task::spawn_blocking(move || aduan::app::bootstrap::prepare(settings))
        .await
        .expect("join")
        .unwrap_or_else(|e| panic!("{backend}: {e:#}"));
    let app_state = state.clone();
    let server = actix_web::HttpServer::new(move || aduan::build_app(app_state.clone()))
        .workers(2)
        .bind("127.0.0.1:0")
        .expect("bind");
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    (state, format!("http://{addr}"))
}

/// Staff publish the "sesudah" photo of one fixed complaint in sixteen (those whose id ends in
/// `0`), so `/bukti` has a realistic history to pick its latest from. The rows point at files
/// that are not stored: the page links to them, the bench never fetches them.
pub fn publish_proofs(state: &AppState, backend: &str) {
    if count(state, "SELECT COUNT(*) AS n FROM published_photos") > 0 {
        return;
    }
    let sha = if backend == "postgres" {
        "md5(t.id) || md5(t.id || 'sesudah')"
    } else {
        "lower(hex(randomblob(32)))"
    };
    let fixed = "t.status IN ('resolved', 'closed') AND substr(t.id, length(t.id), 1) = '0'";
    // Longer than the service's statement timeout at a million tickets (PostgreSQL).
    let unbounded = if backend == "postgres" {
        "SET LOCAL statement_timeout = 0;"
    } else {
        ""
    };
    let sql = format!(
        "{unbounded} INSERT INTO attachments (id, jurisdiction_id, uploader_id, sha256, content_type, size, created_at) \
         SELECT 'bench-' || t.id, t.jurisdiction_id, t.filed_by, {sha}, 'image/jpeg', 100000, t.created_at FROM tickets t WHERE {fixed}; \
         INSERT INTO published_photos (ticket_id, attachment_id, jurisdiction_id, role, sha256, preview_sha256, published_by, published_at) \
         SELECT t.id, a.id, t.jurisdiction_id, 'after', a.sha256, a.sha256, t.filed_by, t.created_at \
         FROM tickets t JOIN attachments a ON a.id = 'bench-' || t.id WHERE {fixed};"
    );
    state
        .db
        .write_blocking(move |c| c.batch_execute(&sql).map_err(aduan::db::DbError::from))
        .expect("published photos");
    let n = count(state, "SELECT COUNT(*) AS n FROM published_photos");
    println!("  {backend:<8} {n} fixed complaints with a published photo");
}

/// A database filled to `tickets` with the real server on it, a client and the admin's token.
pub struct Scaled {
    pub state: AppState,
    pub base: String,
    pub client: awc::Client,
    pub admin: String,
    /// The server's data folder, removed with it.
    _dir: tempfile::TempDir,
}

pub async fn prepare(backend: &str, tickets: usize, days: i64) -> Scaled {
    let url = database(backend, tickets);
    let dir = tempfile::tempdir().expect("temp dir");
    let (state, base) = start(backend, url, dir.path()).await;
    {
        let s = state.clone();
        let b = backend.to_string();
        tokio::task::spawn_blocking(move || fill(&s, &b, tickets, days))
            .await
            .expect("fill");
        let s = state.clone();
        let b = backend.to_string();
        tokio::task::spawn_blocking(move || publish_proofs(&s, &b))
            .await
            .expect("publish");
    }
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(600))
        .finish();
    let admin = sign_in(&client, &base, "admin").await;
    Scaled {
        state,
        base,
        client,
        admin,
        _dir: dir,
    }
}

pub async fn token(
    client: &awc::Client,
    base: &str,
    admin: &str,
    role: &str,
    agency: &str,
) -> String {
    let name = format!(
        "{role}-{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let mut r = client
        .get(format!("{base}/api/v1/agencies?q={agency}&limit=1"))
        .bearer_auth(admin)
        .send()
        .await
        .expect("agency");
    let v: serde_json::Value = r.json().await.expect("agencies");
    let agency_id = v["items"][0]["id"].clone();
    let r = client
        .post(format!("{base}/api/v1/users"))
        .bearer_auth(admin)
        .send_json(&serde_json::json!({"username": name, "password": PASSWORD, "display_name": name, "role": role, "agency_id": agency_id}))
        .await
        .expect("user");
    assert_eq!(r.status(), 201);
    sign_in(client, base, &name).await
}

pub async fn sign_in(client: &awc::Client, base: &str, username: &str) -> String {
    let mut r = client
        .post(format!("{base}/api/v1/auth/token"))
        .send_json(&serde_json::json!({"username": username, "password": PASSWORD}))
        .await
        .expect("sign in");
    let v: serde_json::Value = r.json().await.expect("token");
    v["access_token"].as_str().expect("token").to_string()
}

/// Runs `bench(backend, tickets, days, runs)` on each backend of `ADUAN_BENCH_BACKENDS`
/// (`sqlite,postgres`) with `ADUAN_BENCH_TICKETS` (1,000,000) tickets over `ADUAN_BENCH_DAYS`
/// (365) days, `ADUAN_BENCH_RUNS` (30) requests per figure.
pub fn run_each<F, Fut>(bench: F)
where
    F: Fn(&'static str, usize, i64, usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let backends = env("ADUAN_BENCH_BACKENDS", "sqlite,postgres");
    let tickets: usize = env("ADUAN_BENCH_TICKETS", "1000000")
        .parse()
        .expect("ADUAN_BENCH_TICKETS");
    let days: i64 = env("ADUAN_BENCH_DAYS", "365").parse().expect("days");
    let runs: usize = env("ADUAN_BENCH_RUNS", "30").parse().expect("runs");
    actix_web::rt::System::new().block_on(async {
        for backend in backends.split(',').map(str::trim) {
            // Named as `database` reads it: anything but SQLite is PostgreSQL.
            let backend: &'static str = if backend == "sqlite" {
                "sqlite"
            } else {
                "postgres"
            };
            bench(backend, tickets, days, runs).await;
        }
    });
}
