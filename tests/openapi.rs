//! The committed OpenAPI document is the one the code generates, and it is served with the docs.
//! After changing the API, regenerate it with `cargo run -- openapi > openapi/openapi.json`.

mod common;

use actix_web::http::Method;
use common::{Kind, TestApp};

fn generated() -> serde_json::Value {
    serde_json::to_value(aduan::openapi_document()).unwrap()
}

#[test]
fn committed_document_matches_the_code() {
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed"),
    )
    .expect("valid JSON");
    assert!(
        committed == generated(),
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn every_api_path_is_documented_with_problems_and_security() {
    let doc = generated();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/agencies",
        "/api/v1/agencies/{id}",
        "/api/v1/agencies/{id}/divisions",
        "/api/v1/divisions/{id}",
        "/api/v1/categories",
        "/api/v1/categories/{id}",
        "/api/v1/regions",
        "/api/v1/regions/{id}",
        "/api/v1/accounts",
        "/api/v1/accounts/{id}",
        "/api/v1/jurisdiction",
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
        "/api/v1/tickets/{id}/events",
        "/api/v1/tickets/{id}/route",
        "/api/v1/tickets/{id}/return",
        "/api/v1/tickets/{id}/assign",
        "/api/v1/tickets/{id}/start",
        "/api/v1/tickets/{id}/resolve",
        "/api/v1/tickets/{id}/close",
        "/api/v1/tickets/{id}/reopen",
        "/api/v1/tickets/{id}/reject",
        "/api/v1/tickets/{id}/refer",
        "/api/v1/tickets/{id}/merge",
        "/api/v1/tickets/{id}/field-visits",
        "/api/v1/attachments",
        "/api/v1/attachments/{id}",
        "/api/v1/public/tickets/{code}",
        "/healthz",
        "/readyz",
    ] {
        assert!(paths.contains_key(p), "{p} is not documented");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    // Every signed-in operation names the bearer scheme.
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let open = path == "/api/v1/auth/token"
                || path.starts_with("/api/v1/public/")
                || !path.starts_with("/api/");
            assert_eq!(op.get("security").is_none(), open, "{method} {path}");
        }
    }
}

#[actix_web::test]
async fn document_and_docs_are_served_offline() {
    let app = TestApp::new(Kind::Sqlite).await;
    let r = app.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, generated());
    let r = app.call(Method::GET, "/docs", None, None).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    let r = app.call(Method::GET, "/docs/", None, None).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("swagger"), "{}", r.text);
    assert!(!r.text.contains("cdn."), "no CDN at run time");
    let r = app
        .call(Method::GET, "/docs/swagger-ui-bundle.js", None, None)
        .await;
    assert_eq!(r.status, 200, "assets are bundled");
    let init = app
        .call(Method::GET, "/docs/swagger-initializer.js", None, None)
        .await;
    assert!(init.text.contains("/openapi.json"), "{}", init.text);
}
