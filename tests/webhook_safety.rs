//! Webhooks cannot be turned against the server's own network: receivers in loopback, private,
//! link-local, shared, multicast or unspecified networks are refused at registration and again
//! at delivery, unless opened with ADUAN_WEBHOOK_ALLOW_NETS; a deleted webhook keeps its
//! delivery history.

mod common;

use aduan::db::schema::{webhook_deliveries, webhooks};
use common::receiver::Receiver;
use common::TestApp;
use diesel::prelude::*;
use serde_json::json;

fn comment(n: &str) -> serde_json::Value {
    json!({"source": {"platform": "instagram", "comment_url": format!("https://www.instagram.com/p/S/c/{n}/"), "text": "Jalan rusak"}})
}

async fn inward_receivers_are_refused(app: TestApp) {
    // The default: nothing inward is open.
    let app = TestApp::with(app.kind(), &[("ADUAN_WEBHOOK_ALLOW_NETS", "")]).await;
    let admin = app.admin_token().await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://10.0.0.5/hook",
        "http://172.16.3.4/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ] {
        let r = app
            .post(
                "/api/v1/webhooks",
                &admin,
                json!({"url": url, "secret": "a-shared-secret-of-some-length", "events": ["*"]}),
            )
            .await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["field"], "url", "{url}: {}", r.text);
    }
    assert_eq!(app.count("webhooks"), 0);

    // A receiver that was fine when registered (opened then, say) is checked again at
    // delivery: nothing is sent, and the log says why.
    let receiver = Receiver::start();
    let opened = TestApp::with(app.kind(), &[]).await;
    let admin2 = opened.admin_token().await;
    let hook = opened
        .post(
            "/api/v1/webhooks",
            &admin2,
            json!({"url": receiver.url(), "secret": "a-shared-secret-of-some-length", "events": ["*"]}),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let mut closed = opened.state.clone();
    let mut settings = (*closed.settings).clone();
    settings.webhook_allow_nets.clear();
    closed.limits = std::sync::Arc::new(aduan::limits::Limits::new(&settings));
    closed.settings = std::sync::Arc::new(settings);
    let r = opened.post("/api/v1/tickets", &admin2, comment("1")).await;
    assert_eq!(r.status, 201);
    aduan::jobs::webhooks::deliver_due(&closed).await.unwrap();
    assert!(
        receiver.received().is_empty(),
        "nothing reached the receiver"
    );
    let mut conn = opened.state.db.conn().unwrap();
    let (attempts, error): (i32, Option<String>) = webhook_deliveries::table
        .select((webhook_deliveries::attempts, webhook_deliveries::last_error))
        .first(&mut *conn)
        .unwrap();
    assert_eq!(attempts, 1);
    assert!(
        error
            .as_deref()
            .unwrap_or_default()
            .contains("private or local network"),
        "{error:?}"
    );
}

/// Deleting a webhook stops its deliveries but keeps its delivery log readable.
async fn deleted_webhooks_keep_their_history(app: TestApp) {
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let hook = app
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": receiver.url(), "secret": "a-shared-secret-of-some-length", "events": ["*"]}),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let id = hook.id();
    app.post("/api/v1/tickets", &admin, comment("2")).await;
    aduan::jobs::webhooks::deliver_due(&app.state)
        .await
        .unwrap();
    app.post("/api/v1/tickets", &admin, comment("3")).await;
    let r = app
        .call(
            actix_web::http::Method::DELETE,
            &format!("/api/v1/webhooks/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let listed = app.get("/api/v1/webhooks", &admin).await;
    assert!(!listed.text.contains(&id), "{}", listed.text);
    let log = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"), &admin)
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    let states: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 2, "{}", log.text);
    assert!(
        states.contains(&"delivered") && states.contains(&"failed"),
        "{states:?}"
    );
    // Nothing more is sent.
    aduan::jobs::webhooks::deliver_due(&app.state)
        .await
        .unwrap();
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(app.count("webhooks"), 1, "the row stays");
    let mut conn = app.state.db.conn().unwrap();
    let deleted: Option<chrono::NaiveDateTime> = webhooks::table
        .select(webhooks::deleted_at)
        .first(&mut *conn)
        .unwrap();
    assert!(deleted.is_some());
}

on_both_backends!(
    inward_receivers_are_refused,
    deleted_webhooks_keep_their_history
);
