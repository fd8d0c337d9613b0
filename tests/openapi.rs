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

/// Every `"$ref"` string anywhere in `v`.
fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    ("$ref", Some(r)) => out.push(r),
                    _ => refs(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves_and_every_answer_is_described() {
    let doc = generated();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 100, "{}", all.len());
    for r in all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    let ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let mut links = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for (status, r) in responses {
                let described = r["description"].as_str().is_some_and(|d| !d.is_empty());
                assert!(described, "{method} {path} {status} has no description");
                for l in r["links"].as_object().into_iter().flat_map(|l| l.values()) {
                    let target = l["operationId"].as_str().unwrap();
                    assert!(ids.contains(&target), "{method} {path} links to {target}");
                    links += 1;
                }
            }
            // What the frame around every handler can answer is listed.
            assert!(responses.contains_key("503"), "{method} {path}");
            if op.get("security").is_some() {
                assert!(responses.contains_key("401"), "{method} {path}");
            }
            if op.get("requestBody").is_some() {
                for s in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(s), "{method} {path} {s}");
                }
            }
        }
    }
    // A filing leads to the ticket and its actions.
    let filed = &doc["paths"]["/api/v1/tickets"]["post"]["responses"]["201"]["links"];
    assert_eq!(
        filed["route_ticket"]["parameters"]["id"],
        "$response.body#/id"
    );
    assert!(links > 100, "{links}");
}

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_surface_only_grows() {
    use std::collections::BTreeSet;
    let current = aduan::app::openapi::surface::surface(&generated());
    let committed: BTreeSet<String> = read("openapi/surface.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    // Removals noted in the versioning promise: "- `LINE` …".
    let versioning = read("docs/api-versioning.md");
    let noted: BTreeSet<&str> = versioning
        .lines()
        .filter_map(|l| l.strip_prefix("- `")?.split_once('`').map(|(line, _)| line))
        .collect();
    let gone: Vec<&String> = committed
        .iter()
        .filter(|l| !current.contains(*l) && !noted.contains(l.as_str()))
        .collect();
    assert!(
        gone.is_empty(),
        "gone from the API without a note in docs/api-versioning.md (a client may rely on \
         them; most removals need /api/v2): {gone:#?}"
    );
    let new: Vec<&String> = current.difference(&committed).collect();
    assert!(
        new.is_empty(),
        "not recorded yet: run `cargo run -- openapi --surface > openapi/surface.txt`: {new:#?}"
    );
    assert!(committed.contains("POST /api/v1/tickets 201 .code"));
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
