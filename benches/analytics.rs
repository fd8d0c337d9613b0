//! Analytics benchmark at scale: prints figures, asserts nothing.
//!
//! For each backend it fills a database with synthetic tickets (`aduan seed --synthetic`'s
//! generator: whole histories with events and clocks, spread over a year) up to
//! `ADUAN_BENCH_TICKETS` (default 1,000,000), rebuilds the rollups, starts the real server on a
//! local port and times over HTTP, each beside the plain SQL that answers the same question on
//! the raw tables (run on the same database, results discarded) and the ratio:
//! 1. one year of trends, month × category, filed (and month × agency, resolved);
//! 2. the recap preview of the last complete two-week period;
//! 3. the planners' dashboard (issue 16): each of its questions over the API — a year's trend
//!    within one kecamatan, the backlog, SLA compliance, hotspots (a year and a quarter), routing, DPUPR's planning
//!    table — and the page `/app/analitik` itself (all of them, drawn), beside the plain SQL of
//!    each (all of them for the page);
//! 4. the public pages: `/bukti` (one fixed complaint in sixteen has a published photo), a
//!    complaint's `/lacak/{code}`.
//!
//! The filled databases are kept between runs (filling a million tickets takes minutes) and
//! shared with the console bench (`scale/`).
//! `ADUAN_BENCH_BACKENDS` (`sqlite,postgres`), `ADUAN_BENCH_RUNS` (requests per figure, 30),
//! `ADUAN_BENCH_ONLY` (run only the figures whose name contains this, e.g. `recap`).
//!
//! `cargo bench --bench analytics`

mod scale;

use std::time::Instant;

use chrono::{Datelike, Days, NaiveDate, Utc};
use diesel::connection::SimpleConnection;

use aduan::state::AppState;
use scale::{count, env, p, prepare, token, Scaled};

/// How a request is signed: an API bearer token, the console's session cookie (the same
/// token), or not at all (a public page).
#[derive(Clone, Copy)]
enum Auth<'a> {
    Api(&'a str),
    Page(&'a str),
    Public,
}

impl Auth<'_> {
    fn on(&self, req: awc::ClientRequest) -> awc::ClientRequest {
        match self {
            Auth::Api(t) => req.bearer_auth(t),
            Auth::Page(t) => req.insert_header(("Cookie", format!("aduan_sesi={t}"))),
            Auth::Public => req,
        }
    }
}

/// p50 and p99 of `runs` GETs of `path`, in ms, and the body size of the last.
async fn time_get(
    client: &awc::Client,
    url: &str,
    auth: Auth<'_>,
    runs: usize,
) -> (f64, f64, usize) {
    let mut lat = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        // A kept-alive connection the server closed while the counts ran: ask again once.
        let mut r = match auth.on(client.get(url)).send().await {
            Ok(r) => r,
            Err(_) => auth.on(client.get(url)).send().await.expect("get"),
        };
        let body = r.body().limit(256 << 20).await.expect("body");
        lat.push(t.elapsed());
        assert_eq!(r.status(), 200, "{url}: {}", String::from_utf8_lossy(&body));
        size = body.len();
    }
    lat.sort();
    (p(&lat, 0.5), p(&lat, 0.99), size)
}

/// p50 of running `sqls` one after another (results read and discarded), in ms.
fn time_sql(state: &AppState, sqls: &[String], runs: usize) -> f64 {
    let mut c = state.db.conn().expect("connection");
    if let aduan::db::DbConnection::Postgres(_) = &*c {
        // The anchor may take longer than the service's statement timeout allows a request.
        c.batch_execute("SET statement_timeout = 0")
            .expect("no timeout");
    }
    let mut lat = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        for s in sqls {
            c.batch_execute(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        }
        lat.push(t.elapsed());
    }
    lat.sort();
    p(&lat, 0.5)
}

/// The plain SQL of each question, per backend: local time, JSON and time literals differ.
struct Sql {
    pg: bool,
    jur: String,
}

impl Sql {
    fn local(&self, col: &str, fmt_pg: &str, fmt_lite: &str) -> String {
        if self.pg {
            format!("to_char({col} AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Jakarta', '{fmt_pg}')")
        } else {
            format!("strftime('{fmt_lite}', {col}, '+7 hours')")
        }
    }
    fn agency_in(&self, col: &str) -> String {
        if self.pg {
            format!("CAST({col} AS json)->>'agency_id'")
        } else {
            format!("json_extract({col}, '$.agency_id')")
        }
    }
    /// Filed per month and category.
    fn trends_filed(&self, start: &str, end: &str) -> Vec<String> {
        vec![format!(
            "SELECT {m} AS month, category_id, COUNT(*) FROM tickets \
             WHERE jurisdiction_id = '{j}' AND created_at >= '{start}' AND created_at < '{end}' \
             GROUP BY 1, 2",
            m = self.local("created_at", "YYYY-MM", "%Y-%m"),
            j = self.jur
        )]
    }
    /// Resolve events per month and the ticket's agency.
    fn trends_resolved(&self, start: &str, end: &str) -> Vec<String> {
        vec![format!(
            "SELECT {m} AS month, t.agency_id, COUNT(*) FROM ticket_events e \
             JOIN tickets t ON t.id = e.ticket_id \
             WHERE e.jurisdiction_id = '{j}' AND e.action = 'resolve' \
             AND e.at >= '{start}' AND e.at < '{end}' GROUP BY 1, 2",
            m = self.local("e.at", "YYYY-MM", "%Y-%m"),
            j = self.jur
        )]
    }
    /// Filed per month and category within one kecamatan (its desa included).
    fn trends_within(&self, start: &str, end: &str, kecamatan: &str) -> Vec<String> {
        vec![format!(
            "SELECT {m} AS month, t.category_id, COUNT(*) FROM tickets t \
             JOIN regions r ON r.id = t.region_id \
             WHERE t.jurisdiction_id = '{j}' AND t.created_at >= '{start}' AND t.created_at < '{end}' \
             AND (r.code = '{kecamatan}' OR r.parent_id = (SELECT id FROM regions WHERE code = '{kecamatan}' AND jurisdiction_id = '{j}')) \
             GROUP BY 1, 2",
            m = self.local("t.created_at", "YYYY-MM", "%Y-%m"),
            j = self.jur
        )]
    }
    /// Open tickets per agency and age band.
    fn backlog(&self, now: &str) -> Vec<String> {
        let age = if self.pg {
            format!("EXTRACT(DAY FROM TIMESTAMP '{now}' - created_at)")
        } else {
            format!("CAST(julianday('{now}') - julianday(created_at) AS INTEGER)")
        };
        vec![format!(
            "SELECT agency_id, CASE WHEN {age} <= 3 THEN 0 WHEN {age} <= 7 THEN 1 WHEN {age} <= 14 THEN 2 \
             WHEN {age} <= 30 THEN 3 WHEN {age} <= 60 THEN 4 ELSE 5 END AS band, COUNT(*) FROM tickets \
             WHERE jurisdiction_id = '{j}' AND status IN ('new', 'returned', 'routed', 'assigned', 'in_progress', 'resolved') \
             GROUP BY 1, 2",
            j = self.jur
        )]
    }
    /// Clocks started in the period by clock, state, agency and category.
    fn sla(&self, start: &str, end: &str) -> Vec<String> {
        vec![format!(
            "SELECT c.clock, c.state, t.agency_id, t.category_id, COUNT(*) FROM ticket_clocks c \
             JOIN tickets t ON t.id = c.ticket_id WHERE c.jurisdiction_id = '{j}' \
             AND c.started_at >= '{start}' AND c.started_at < '{end}' GROUP BY 1, 2, 3, 4",
            j = self.jur
        )]
    }
    /// Filed per region and category, and places with two or more of one category.
    fn hotspots(&self, start: &str, end: &str) -> Vec<String> {
        let j = &self.jur;
        vec![
            format!(
                "SELECT region_id, category_id, COUNT(*) FROM tickets WHERE jurisdiction_id = '{j}' \
                 AND created_at >= '{start}' AND created_at < '{end}' GROUP BY 1, 2"
            ),
            format!(
                "SELECT category_id, ROUND(lat * 1000), ROUND(lng * 1000), COUNT(*) FROM tickets \
                 WHERE jurisdiction_id = '{j}' AND created_at >= '{start}' AND created_at < '{end}' \
                 AND lat IS NOT NULL GROUP BY 1, 2, 3 HAVING COUNT(*) >= 2 ORDER BY 4 DESC LIMIT 20"
            ),
        ]
    }
    /// Each route to another agency in the period with the agency before it.
    fn routing(&self, start: &str, end: &str) -> Vec<String> {
        vec![format!(
            "SELECT prev, agency, COUNT(*) FROM (SELECT e.at, e.action, {a} AS agency, \
             LAG({a}) OVER (PARTITION BY e.ticket_id ORDER BY e.seq) AS prev FROM ticket_events e \
             WHERE e.jurisdiction_id = '{j}' AND e.action IN ('route', 'return') AND e.at < '{end}') m \
             WHERE m.at >= '{start}' GROUP BY 1, 2",
            a = self.agency_in("e.data"),
            j = self.jur
        )]
    }
    /// An agency's complaints of a year by kecamatan and category, fixed or not.
    fn planning(&self, start: &str, end: &str, agency: &str) -> Vec<String> {
        vec![format!(
            "SELECT t.region_id, t.category_id, t.status, COUNT(*), MAX(e.at) FROM tickets t \
             LEFT JOIN ticket_events e ON e.ticket_id = t.id AND e.action = 'resolve' \
             WHERE t.jurisdiction_id = '{j}' AND t.agency_id = (SELECT id FROM agencies WHERE code = '{agency}' AND jurisdiction_id = '{j}') \
             AND t.created_at >= '{start}' AND t.created_at < '{end}' GROUP BY 1, 2, 3",
            j = self.jur
        )]
    }
    /// The recap's counts per agency (no ids, medians, scores or PIC lines).
    fn recap(&self, start: &str, end: &str, from: NaiveDate, to: NaiveDate) -> Vec<String> {
        let j = &self.jur;
        vec![
            // Filed (valid) and answered within first_response, by the filer's agency.
            format!(
                "SELECT u.agency_id, COUNT(*), COUNT(c.ticket_id) FROM tickets t \
                 JOIN users u ON u.id = t.filed_by \
                 LEFT JOIN ticket_clocks c ON c.ticket_id = t.id AND c.clock = 'first_response' AND c.state = 'met' \
                 WHERE t.jurisdiction_id = '{j}' AND t.created_at >= '{start}' AND t.created_at < '{end}' \
                 AND t.status NOT IN ('rejected', 'merged') GROUP BY 1"
            ),
            // Received and returned, by the agency the event names.
            format!(
                "SELECT e.action, {a}, COUNT(*) FROM ticket_events e \
                 WHERE e.jurisdiction_id = '{j}' AND e.action IN ('route', 'return') \
                 AND e.at >= '{start}' AND e.at < '{end}' GROUP BY 1, 2",
                a = self.agency_in("e.data")
            ),
            // Resolved and closed, by the actor's agency; reopens by the ticket's.
            format!(
                "SELECT e.action, u.agency_id, COUNT(*) FROM ticket_events e \
                 JOIN users u ON u.id = e.actor_id \
                 WHERE e.jurisdiction_id = '{j}' AND e.action IN ('resolve', 'close') \
                 AND e.at >= '{start}' AND e.at < '{end}' GROUP BY 1, 2"
            ),
            format!(
                "SELECT t.agency_id, COUNT(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id \
                 WHERE e.jurisdiction_id = '{j}' AND e.action = 'reopen' \
                 AND e.at >= '{start}' AND e.at < '{end}' GROUP BY 1"
            ),
            // Clocks met and breached, by the ticket's agency.
            format!(
                "SELECT t.agency_id, c.state, COUNT(*) FROM ticket_clocks c JOIN tickets t ON t.id = c.ticket_id \
                 WHERE c.jurisdiction_id = '{j}' AND c.clock <> 'verify' AND \
                 ((c.stopped_at >= '{start}' AND c.stopped_at < '{end}') OR \
                  (c.stopped_at IS NULL AND c.state = 'breached' AND c.due_at >= '{start}' AND c.due_at < '{end}')) \
                 GROUP BY 1, 2"
            ),
            format!(
                "SELECT agency_id, COUNT(*) FROM patrols WHERE jurisdiction_id = '{j}' \
                 AND day >= '{from}' AND day <= '{to}' GROUP BY 1"
            ),
            format!(
                "SELECT agency_id, kind, COUNT(*) FROM activities WHERE jurisdiction_id = '{j}' \
                 AND posted_at >= '{start}' AND posted_at < '{end}' GROUP BY 1, 2"
            ),
        ]
    }
}

async fn bench(backend: &str, tickets: usize, days: i64, runs: usize) {
    let Scaled {
        state,
        base,
        client,
        admin,
        ..
    } = prepare(backend, tickets, days).await;
    let planner = token(&client, &base, &admin, "planner", "bp4d").await;
    let leader = token(&client, &base, &admin, "leader", "setda.prokompim").await;
    let jur = {
        let mut c = state.db.conn().expect("connection");
        aduan::db::models::jurisdiction::first(&mut c)
            .expect("jurisdiction")
            .expect("a jurisdiction")
    };
    let tz = jur.tz();
    let today = Utc::now().with_timezone(&tz).date_naive();
    let bounds = |from: NaiveDate, to: NaiveDate| {
        let utc = |d: NaiveDate| {
            (d.and_hms_opt(0, 0, 0).unwrap() - chrono::Duration::hours(7))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        };
        (utc(from), utc(to + Days::new(1)))
    };
    let sql = Sql {
        pg: backend == "postgres",
        jur: jur.id.clone(),
    };
    let year_from = today - Days::new(364);
    let (ys, ye) = bounds(year_from, today);
    // A quarter, the span a planner looks at most often.
    let quarter_from = today - Days::new(90);
    let (qs, qe) = bounds(quarter_from, today);
    let anchor = state.settings.recap_anchor;
    let (rf, rt) = aduan::domain::recap::period_of(anchor, today - Days::new(14));
    let (rs, re) = bounds(rf, rt);
    let (ts, te) = bounds(
        NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("new year"),
        NaiveDate::from_ymd_opt(today.year(), 12, 31).expect("new year's eve"),
    );
    let now = Utc::now()
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let code = {
        use aduan::db::schema::tickets;
        use diesel::prelude::*;
        let mut c = state.db.conn().expect("connection");
        tickets::table
            .order(tickets::id.desc())
            .select(tickets::code)
            .first::<String>(&mut *c)
            .expect("a ticket")
    };
    let n = count(&state, "SELECT COUNT(*) AS n FROM tickets");
    let events = count(&state, "SELECT COUNT(*) AS n FROM ticket_events");
    let in_year = count(
        &state,
        &format!(
            "SELECT COUNT(*) AS n FROM tickets WHERE created_at >= '{ys}' AND created_at < '{ye}'"
        ),
    );
    let in_recap = count(
        &state,
        &format!(
            "SELECT COUNT(*) AS n FROM tickets WHERE created_at >= '{rs}' AND created_at < '{re}'"
        ),
    );
    println!(
        "  {backend:<8} {n} tickets, {events} events; {in_year} filed in the year timed, {in_recap} in the recap's fortnight {rf}..{rt}"
    );
    let cases: Vec<(&str, String, Auth, Vec<String>)> = vec![
        (
            "trends year month×category filed",
            format!("/api/v1/analytics/trends?from={year_from}&to={today}&bucket=month&group_by=category&metric=filed"),
            Auth::Api(&planner),
            sql.trends_filed(&ys, &ye),
        ),
        (
            "trends year month×agency resolved",
            format!("/api/v1/analytics/trends?from={year_from}&to={today}&bucket=month&group_by=agency&metric=resolved"),
            Auth::Api(&planner),
            sql.trends_resolved(&ys, &ye),
        ),
        (
            "recap preview two weeks",
            format!("/api/v1/recaps/preview?from={rf}&to={rt}"),
            Auth::Api(&leader),
            sql.recap(&rs, &re, rf, rt),
        ),
        (
            "trends year within a kecamatan",
            format!("/api/v1/analytics/trends?from={year_from}&to={today}&group_by=category&region=jalancagak"),
            Auth::Api(&planner),
            sql.trends_within(&ys, &ye, "jalancagak"),
        ),
        (
            "backlog",
            "/api/v1/analytics/backlog".into(),
            Auth::Api(&planner),
            sql.backlog(&now),
        ),
        (
            "sla year",
            format!("/api/v1/analytics/sla?from={year_from}&to={today}"),
            Auth::Api(&planner),
            sql.sla(&ys, &ye),
        ),
        (
            "hotspots year",
            format!("/api/v1/analytics/hotspots?from={year_from}&to={today}"),
            Auth::Api(&planner),
            sql.hotspots(&ys, &ye),
        ),
        (
            "hotspots quarter",
            format!("/api/v1/analytics/hotspots?from={quarter_from}&to={today}"),
            Auth::Api(&planner),
            sql.hotspots(&qs, &qe),
        ),
        (
            "routing year",
            format!("/api/v1/analytics/routing?from={year_from}&to={today}"),
            Auth::Api(&planner),
            sql.routing(&ys, &ye),
        ),
        (
            "planning table DPUPR this year",
            format!("/api/v1/analytics/planning?agency=dpupr&year={}", today.year()),
            Auth::Api(&planner),
            sql.planning(&ts, &te, "dpupr"),
        ),
        (
            "dashboard page /app/analitik",
            format!("/app/analitik?dari={year_from}&sampai={today}"),
            Auth::Page(&planner),
            [
                sql.trends_filed(&ys, &ye),
                sql.backlog(&now),
                sql.sla(&ys, &ye),
                sql.hotspots(&ys, &ye),
                sql.routing(&ys, &ye),
            ]
            .concat(),
        ),
        (
            "public /bukti",
            "/bukti".into(),
            Auth::Public,
            vec![],
        ),
        (
            "public /lacak/{code}",
            format!("/lacak/{code}"),
            Auth::Public,
            vec![],
        ),
    ];
    let only = env("ADUAN_BENCH_ONLY", "");
    for (name, path, auth, raw) in cases {
        if !name.contains(only.as_str()) {
            continue;
        }
        // One warm-up each, so both sides start from a warm cache.
        let _ = time_get(&client, &format!("{base}{path}"), auth, 1).await;
        let (p50, p99, size) = time_get(&client, &format!("{base}{path}"), auth, runs).await;
        if raw.is_empty() {
            println!(
                "  {backend:<8} {name:<36} aduan p50 {p50:>8.2} ms  p99 {p99:>8.2} ms ({size} bytes)  (one indexed read; no raw anchor)"
            );
            continue;
        }
        let s = state.clone();
        let raw_p50 = tokio::task::spawn_blocking(move || {
            time_sql(&s, &raw, 1);
            time_sql(&s, &raw, runs)
        })
        .await
        .expect("raw");
        println!(
            "  {backend:<8} {name:<36} aduan p50 {p50:>8.2} ms  p99 {p99:>8.2} ms ({size} bytes)  plain SQL on raw tables p50 {raw_p50:>8.2} ms  ratio raw/aduan {:>6.2}",
            raw_p50 / p50
        );
    }
}

fn main() {
    scale::run_each(bench);
}
