//! Accountability: signing out ends that token at once, an admin can end all of a user's
//! sessions, and admin actions go to an append-only audit log that admins can read.

mod common;

use actix_web::http::{header, Method};
use actix_web::test::TestRequest;
use common::TestApp;
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

async fn signing_out_ends_that_token_only(app: TestApp) {
    let admin = app.admin_token().await;
    let (id, first) = app.user_with_role(&admin, "pic").await;
    let name = app.get(&format!("/api/v1/users/{id}"), &admin).await.body["username"]
        .as_str()
        .unwrap()
        .to_string();
    let second = app.token(&name, common::PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", &first).await.status, 200);
    let r = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&first), None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.get("/api/v1/me", &first)
        .await
        .assert_problem(401, "token_revoked");
    assert_eq!(
        app.get("/api/v1/me", &second).await.status,
        200,
        "the other session goes on"
    );

    // An admin ends every session of the user; signing in again works.
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{id}/sessions"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.get("/api/v1/me", &second)
        .await
        .assert_problem(401, "token_revoked");
    let third = app.token(&name, common::PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", &third).await.status, 200);
    // Only admins end sessions.
    app.call(
        Method::DELETE,
        &format!("/api/v1/users/{id}/sessions"),
        Some(&third),
        None,
    )
    .await
    .assert_problem(403, "forbidden");
}

fn actions(r: &common::Resp) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

async fn admin_actions_are_audited(app: TestApp) {
    let admin = app.admin_token().await;
    let admin_id = app.get("/api/v1/me", &admin).await.id();
    let from = |req: TestRequest| {
        req.insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
            .peer_addr("203.0.113.77:5000".parse().unwrap())
    };
    let user = app
        .send(
            from(TestRequest::post().uri("/api/v1/users")).set_json(json!({
                "username": "budi.pic", "password": "a long passphrase", "display_name": "Budi",
                "role": "pic", "agency_id": app.agency_id(&admin, "dpupr").await
            })),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.text);
    let uid = user.id();
    let r = app
        .send(
            from(TestRequest::patch().uri(&format!("/api/v1/users/{uid}")))
                .set_json(json!({"role": "coordinator", "agency_id": app.agency_id(&admin, "diskominfo").await, "password": "another long passphrase"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let hook = app
        .send(from(TestRequest::post().uri("/api/v1/webhooks")).set_json(json!({
            "url": "http://127.0.0.1:9/hook", "secret": "super-secret-signing-key-123", "events": ["*"]
        })))
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let r = app
        .send(from(
            TestRequest::delete().uri(&format!("/api/v1/webhooks/{}", hook.id())),
        ))
        .await;
    assert_eq!(r.status, 204);
    let key = app
        .send(
            from(TestRequest::post().uri("/api/v1/api-keys"))
                .set_json(json!({"name": "FixMyStreet"})),
        )
        .await;
    assert_eq!(key.status, 201, "{}", key.text);
    let r = app
        .send(from(
            TestRequest::delete().uri(&format!("/api/v1/api-keys/{}", key.id())),
        ))
        .await;
    assert_eq!(r.status, 204);

    let log = app.get("/api/v1/audit?limit=200", &admin).await;
    assert_eq!(log.status, 200, "{}", log.text);
    assert_eq!(
        actions(&log),
        [
            "api_key.revoke",
            "api_key.create",
            "webhook.delete",
            "webhook.create",
            "user.update",
            "user.create"
        ],
        "newest first"
    );
    assert!(
        !log.text.contains("super-secret-signing-key"),
        "{}",
        log.text
    );
    assert!(!log.text.contains("passphrase"), "{}", log.text);
    assert!(!log.text.contains(key.body["key"].as_str().unwrap()));
    let update = &log.body["items"][4];
    assert_eq!(update["actor_id"], Value::String(admin_id));
    assert_eq!(update["client_ip"], "203.0.113.77");
    assert_eq!(update["target_id"], Value::String(uid.clone()));
    assert_eq!(update["before"]["role"], "pic");
    assert_eq!(update["after"]["role"], "coordinator");
    assert_eq!(update["after"]["password_changed"], true);

    // Filters and pages.
    let users = app.get("/api/v1/audit?action=user.", &admin).await;
    assert_eq!(actions(&users), ["user.update", "user.create"]);
    let one = app
        .get(
            &format!("/api/v1/audit?target_id={uid}&action=user.update"),
            &admin,
        )
        .await;
    assert_eq!(actions(&one), ["user.update"]);
    let page = app.get("/api/v1/audit?limit=4", &admin).await;
    let cursor = page.body["next_cursor"].as_str().unwrap().to_string();
    let rest = app
        .get(&format!("/api/v1/audit?limit=4&cursor={cursor}"), &admin)
        .await;
    assert_eq!(actions(&rest), ["user.update", "user.create"]);
    // Admins only; and nothing can change it.
    let (_, coord) = app.user_with_role(&admin, "coordinator").await;
    app.get("/api/v1/audit", &coord)
        .await
        .assert_problem(403, "forbidden");
    let mut conn = app.state.db.conn().unwrap();
    assert!(conn
        .batch_execute("UPDATE audit_log SET action = 'x'")
        .is_err());
    assert!(conn.batch_execute("DELETE FROM audit_log").is_err());
}

on_both_backends!(signing_out_ends_that_token_only, admin_actions_are_audited);
