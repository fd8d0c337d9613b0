//! Every rejection is problem+json with a stable code, and a rejected request writes nothing.

mod common;

use actix_web::http::{header, Method};
use actix_web::test::TestRequest;
use common::TestApp;
use serde_json::json;

async fn actix_rejections_use_the_problem_shape(app: TestApp) {
    let t = app.admin_token().await;
    let auth = (header::AUTHORIZATION, format!("Bearer {t}"));
    let count = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            let r = db
                .read(|c| {
                    let j = first_jur(c);
                    aduan::db::models::agency::list(c, &j, &Default::default(), None, 200)
                        .map_err(aduan::db::DbError::from)
                })
                .await
                .unwrap();
            r.items.len()
        }
    };
    let before = count(&app).await;

    let malformed = TestRequest::post()
        .uri("/api/v1/agencies")
        .insert_header(auth.clone())
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .set_payload("{\"code\": ");
    app.send(malformed)
        .await
        .assert_problem(400, "malformed_json");

    let wrong_type = TestRequest::post()
        .uri("/api/v1/agencies")
        .insert_header(auth.clone())
        .insert_header((header::CONTENT_TYPE, "text/plain"))
        .set_payload("code=x");
    app.send(wrong_type)
        .await
        .assert_problem(415, "unsupported_media_type");

    // A body that may be left out is still refused when it is there and not JSON: one NUL
    // byte freezes no recap. Left out, the current period is frozen.
    for (content_type, status, code) in [
        ("application/json", 400, "malformed_json"),
        ("application/octet-stream", 415, "unsupported_media_type"),
    ] {
        let nul = TestRequest::post()
            .uri("/api/v1/recaps")
            .insert_header(auth.clone())
            .insert_header((header::CONTENT_TYPE, content_type))
            .set_payload(vec![0u8]);
        app.send(nul).await.assert_problem(status, code);
    }
    assert_eq!(app.count("recaps"), 0);
    let none = TestRequest::post()
        .uri("/api/v1/recaps")
        .insert_header(auth.clone());
    let r = app.send(none).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.count("recaps"), 1);

    let big = "x".repeat(70_000);
    let too_large = TestRequest::post()
        .uri("/api/v1/agencies")
        .insert_header(auth.clone())
        .set_json(json!({"code": "big", "name": big, "kind": "dinas"}));
    app.send(too_large)
        .await
        .assert_problem(413, "payload_too_large");

    let unknown_enum = app
        .post(
            "/api/v1/agencies",
            &t,
            json!({"code": "x", "name": "X", "kind": "kementerian"}),
        )
        .await;
    unknown_enum.assert_problem(422, "validation_failed");
    assert!(unknown_enum.body["detail"]
        .as_str()
        .unwrap()
        .contains("kementerian"));

    let missing_field = app.post("/api/v1/agencies", &t, json!({"code": "x"})).await;
    missing_field.assert_problem(422, "validation_failed");
    assert!(missing_field.body["detail"]
        .as_str()
        .unwrap()
        .contains("missing field"));

    app.post(
        "/api/v1/agencies",
        &t,
        json!({"code": "x", "name": "X", "kind": "dinas", "extra": 1}),
    )
    .await
    .assert_problem(422, "validation_failed");

    app.get("/api/v1/agencies/123", &t)
        .await
        .assert_problem(400, "invalid_path");
    app.get("/api/v1/agencies?limit=abc", &t)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/api/v1/agencies?kind=ministry", &t)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/api/v1/nothing-here", &t)
        .await
        .assert_problem(404, "not_found");
    app.call(Method::DELETE, "/api/v1/agencies", Some(&t), None)
        .await
        .assert_problem(405, "method_not_allowed");
    app.call(Method::PUT, "/healthz", None, None)
        .await
        .assert_problem(405, "method_not_allowed");

    assert_eq!(
        count(&app).await,
        before,
        "no rejected request wrote anything"
    );
}

fn first_jur(c: &mut aduan::db::DbConnection) -> String {
    aduan::db::models::jurisdiction::first(c)
        .unwrap()
        .unwrap()
        .id
}

async fn health_and_readiness(app: TestApp) {
    let r = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(
        (r.status.as_u16(), r.body["status"].as_str()),
        (200, Some("ok"))
    );
    let r = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(r.status, 200);
    let expected = match app.kind() {
        common::Kind::Sqlite => "sqlite",
        common::Kind::Postgres => "postgres",
    };
    assert_eq!(r.body["database"], expected);
}

/// A NUL character in text: refused by the checks where a field has them (both backends), and
/// where one slips through to PostgreSQL (whose text cannot hold it) a 400, never a 500.
async fn nul_characters_are_refused_not_faults(app: TestApp) {
    use diesel::prelude::*;
    let admin = app.admin_token().await;
    let r = app
        .post(
            "/api/v1/agencies",
            &admin,
            json!({"code": "dinsos", "name": "Dinas\u{0}Sosial", "kind": "dinas"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "name");
    let mut conn = app.state.db.conn().unwrap();
    let stored = diesel::sql_query("SELECT $1 AS t")
        .bind::<diesel::sql_types::Text, _>("a\u{0}b")
        .execute(&mut *conn);
    match (app.kind(), stored) {
        (common::Kind::Postgres, Err(e)) => {
            let e = aduan::error::ServiceError::from(e);
            assert_eq!(e.code(), "nul_character");
        }
        (common::Kind::Sqlite, Ok(_)) => {}
        (kind, other) => panic!("{kind:?}: {other:?}"),
    }
}

on_both_backends!(
    actix_rejections_use_the_problem_shape,
    health_and_readiness,
    nul_characters_are_refused_not_faults
);
