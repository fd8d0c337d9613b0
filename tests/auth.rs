//! Sign-in, tokens and the signed-in user, through the real app on both backends.

mod common;

use actix_web::http::Method;
use common::{TestApp, ADMIN_PASSWORD, PASSWORD};
use serde_json::json;

async fn sign_in_issues_a_bearer_token(app: TestApp) {
    let r = app.sign_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 480 * 60);
    let token = r.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/me", token).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["username"], "admin");
    assert_eq!(me.body["role"], "admin");
    assert_eq!(me.body["active"], true);
    assert!(me.body.get("password_hash").is_none());
    // Usernames are case-insensitive.
    assert_eq!(app.sign_in("ADMIN", ADMIN_PASSWORD).await.status, 200);
    let j = app.get("/api/v1/jurisdiction", token).await;
    assert_eq!(j.body["code"], "subang.go.id");
    assert_eq!(j.body["short_code"], "SBG");
    assert_eq!(j.body["timezone"], "Asia/Jakarta");
}

async fn wrong_credentials_are_401_and_say_nothing_more(app: TestApp) {
    let wrong_pw = app.sign_in("admin", "not the password").await;
    wrong_pw.assert_problem(401, "invalid_credentials");
    let no_user = app.sign_in("nobody", "not the password").await;
    no_user.assert_problem(401, "invalid_credentials");
    assert_eq!(wrong_pw.body["detail"], no_user.body["detail"]);
    app.sign_in("", "x")
        .await
        .assert_problem(422, "validation_failed");
}

async fn requests_without_a_valid_token_are_401(app: TestApp) {
    let r = app.call(Method::GET, "/api/v1/me", None, None).await;
    r.assert_problem(401, "unauthenticated");
    assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
    app.get("/api/v1/me", "garbage")
        .await
        .assert_problem(401, "invalid_token");
    let forged = {
        let keys = aduan::auth::jwt::JwtKeys::new(b"another-secret-another-secret-1234", 10);
        keys.issue("someone", "somewhere", 0).unwrap().0
    };
    app.get("/api/v1/me", &forged)
        .await
        .assert_problem(401, "invalid_token");
    let expired = {
        let keys = aduan::auth::jwt::JwtKeys::new(common::JWT_SECRET.as_bytes(), -10);
        keys.issue("someone", "somewhere", 0).unwrap().0
    };
    app.get("/api/v1/me", &expired)
        .await
        .assert_problem(401, "invalid_token");
}

async fn deactivation_stops_existing_tokens_at_once(app: TestApp) {
    let admin = app.admin_token().await;
    let (id, token) = app.user_with_role(&admin, "coordinator").await;
    assert_eq!(app.get("/api/v1/me", &token).await.status, 200);
    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["active"], false);
    app.get("/api/v1/me", &token)
        .await
        .assert_problem(401, "token_revoked");
    let username = r.body["username"].as_str().unwrap().to_string();
    app.sign_in(&username, PASSWORD)
        .await
        .assert_problem(401, "inactive_user");
    // Reactivated, it signs in again; the old token stays dead.
    app.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        json!({"active": true}),
    )
    .await;
    assert_eq!(app.sign_in(&username, PASSWORD).await.status, 200);
    app.get("/api/v1/me", &token)
        .await
        .assert_problem(401, "token_revoked");
}

async fn changing_ones_password_revokes_old_tokens(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, token) = app.user_with_role(&admin, "planner").await;
    let r = app
        .post(
            "/api/v1/me/password",
            &token,
            json!({"current_password": "wrong one!!", "new_password": "another long one"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "current_password");
    let r = app
        .post(
            "/api/v1/me/password",
            &token,
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!(r.body["errors"][0]["field"], "new_password");
    let r = app
        .post(
            "/api/v1/me/password",
            &token,
            json!({"current_password": PASSWORD, "new_password": "another long one"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let fresh = r.body["access_token"].as_str().unwrap();
    app.get("/api/v1/me", &token)
        .await
        .assert_problem(401, "token_revoked");
    assert_eq!(app.get("/api/v1/me", fresh).await.status, 200);
}

async fn tokens_survive_a_restart_with_the_generated_secret(app: TestApp) {
    // A second start on the same data directory keeps the secret file and the admin.
    let mut settings = app.db.settings();
    settings.jwt_secret = None;
    let first = aduan::app::bootstrap::prepare(settings.clone()).unwrap();
    let (token, _) = first.jwt.issue("u", "j", 0).unwrap();
    let second = aduan::app::bootstrap::prepare(settings).unwrap();
    assert!(second.jwt.verify(&token).is_ok());
    assert!(app.db.dir.path().join("jwt-secret").exists());
}

on_both_backends!(
    sign_in_issues_a_bearer_token,
    wrong_credentials_are_401_and_say_nothing_more,
    requests_without_a_valid_token_are_401,
    deactivation_stops_existing_tokens_at_once,
    changing_ones_password_revokes_old_tokens,
    tokens_survive_a_restart_with_the_generated_secret,
);
