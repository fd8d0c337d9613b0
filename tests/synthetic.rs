//! Synthetic data on SQLite and PostgreSQL: every story obeys the lifecycle and the clock rules,
//! the same seed makes the same data, and analytics over it add up to the raw tables.

mod common;

use std::collections::BTreeMap;

use common::TestApp;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

#[derive(QueryableByName)]
struct Pair {
    #[diesel(sql_type = Text)]
    k: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn pairs(app: &TestApp, sql: &str) -> BTreeMap<String, i64> {
    let mut conn = app.state.db.conn().unwrap();
    diesel::sql_query(sql)
        .load::<Pair>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|p| (p.k, p.n))
        .collect()
}

async fn generate(app: &TestApp, tickets: usize, seed: u64, now: chrono::DateTime<chrono::Utc>) {
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = state.db.conn().unwrap();
        let jur = aduan::db::models::jurisdiction::first(&mut conn)
            .unwrap()
            .unwrap();
        let opts = aduan::cli::synthetic::Options {
            tickets,
            days: 60,
            seed,
            now,
        };
        aduan::cli::synthetic::generate(&mut conn, &jur, &opts).unwrap();
    })
    .await
    .unwrap();
}

async fn stories_follow_the_rules(app: TestApp) {
    let now = chrono::Utc::now();
    generate(&app, 300, 7, now).await;
    assert_eq!(app.count("tickets"), 300);
    let statuses = pairs(
        &app,
        "SELECT status AS k, COUNT(*) AS n FROM tickets GROUP BY status",
    );
    assert!(statuses.len() >= 6, "a variety of statuses: {statuses:?}");
    // Events: seq 1..=version without gaps, the last one saying the ticket's status.
    let broken = pairs(
        &app,
        "SELECT t.id AS k, COUNT(*) AS n FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id \
         GROUP BY t.id, t.version HAVING COUNT(*) <> t.version OR MAX(e.seq) <> t.version",
    );
    assert!(broken.is_empty(), "{broken:?}");
    let wrong_last = pairs(
        &app,
        "SELECT t.id AS k, 1 AS n FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id \
         AND e.seq = t.version WHERE e.to_status <> t.status",
    );
    assert!(wrong_last.is_empty(), "{wrong_last:?}");
    // Every clock that ran out was marked, with at least one event per breached clock.
    let past = (now - chrono::Duration::seconds(1))
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S");
    let late = pairs(
        &app,
        &format!("SELECT ticket_id AS k, 1 AS n FROM ticket_clocks WHERE state = 'running' AND due_at < '{past}'"),
    );
    assert!(late.is_empty(), "{late:?}");
    let breached = pairs(
        &app,
        "SELECT 'x' AS k, COUNT(*) AS n FROM ticket_clocks WHERE state = 'breached'",
    );
    let events = pairs(
        &app,
        "SELECT 'x' AS k, COUNT(*) AS n FROM ticket_events WHERE action = 'sla_breached'",
    );
    assert!(
        events["x"] >= breached["x"] && breached["x"] > 0,
        "{events:?} {breached:?}"
    );
    // The escalation finds nothing left to do.
    assert_eq!(
        aduan::jobs::escalation::tick(&app.state)
            .await
            .unwrap()
            .breached,
        0
    );

    // Analytics over it add up to the raw tables.
    let admin = app.admin_token().await;
    let (_, planner) = app.user_in(&admin, "planner", "bp4d", None).await;
    let from = (now - chrono::Duration::days(70)).format("%Y-%m-%d");
    for (metric, sql) in [
        ("filed", "SELECT 'x' AS k, COUNT(*) AS n FROM tickets"),
        (
            "resolved",
            "SELECT 'x' AS k, COUNT(*) AS n FROM ticket_events WHERE action = 'resolve'",
        ),
        (
            "closed",
            "SELECT 'x' AS k, COUNT(*) AS n FROM ticket_events WHERE action = 'close'",
        ),
    ] {
        let r = app
            .get(&format!("/api/v1/analytics/trends?from={from}&bucket=week&group_by=agency&metric={metric}"), &planner)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let total: i64 = r.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["count"].as_i64().unwrap())
            .sum();
        assert_eq!(total, pairs(&app, sql)["x"], "{metric}");
    }
    let open = pairs(
        &app,
        "SELECT 'x' AS k, COUNT(*) AS n FROM tickets WHERE status IN ('new','returned','routed','assigned','in_progress','resolved')",
    );
    let r = app.get("/api/v1/analytics/backlog", &planner).await;
    let total: i64 = r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["count"].as_i64().unwrap())
        .sum();
    assert_eq!(total, open["x"]);
    // The tickets read through the API like any other.
    let list = app.get("/api/v1/tickets?limit=20", &admin).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 20);
}

async fn the_same_seed_makes_the_same_stories(app: TestApp) {
    let now = chrono::Utc::now();
    generate(&app, 120, 42, now).await;
    let first = pairs(
        &app,
        "SELECT action AS k, COUNT(*) AS n FROM ticket_events GROUP BY action",
    );
    let other = TestApp::new(app.kind()).await;
    generate(&other, 120, 42, now).await;
    assert_eq!(
        pairs(
            &other,
            "SELECT action AS k, COUNT(*) AS n FROM ticket_events GROUP BY action"
        ),
        first
    );
    let third = TestApp::new(app.kind()).await;
    generate(&third, 120, 43, now).await;
    assert_ne!(
        pairs(
            &third,
            "SELECT action AS k, COUNT(*) AS n FROM ticket_events GROUP BY action"
        ),
        first
    );
}

on_both_backends!(
    stories_follow_the_rules,
    the_same_seed_makes_the_same_stories
);
