//! Extreme dates and numbers in every date and number parameter — those the OpenAPI document
//! lists for the JSON API, and Open311's — answer a problem (or Open311's error), never a panic
//! or a 5xx. The values are the edges of what chrono and i64 can hold, plus random ones drawn
//! by proptest.

mod common;

use actix_web::http::Method;
use common::{Kind, TestApp};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

/// The kinds of parameter that take a value to stretch.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Date,
    DateTime,
    Integer,
    Number,
}

/// Edges first, then `random` values drawn from the whole range of the type.
fn values(shape: Shape, random: usize) -> Vec<String> {
    let dates = [
        "-262144-01-01",
        "+262142-12-31",
        "+262143-01-01",
        "-0001-12-31",
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "2026-02-30",
    ];
    let mut out: Vec<String> = match shape {
        Shape::Date => dates.iter().map(|d| d.to_string()).collect(),
        Shape::DateTime => dates
            .iter()
            .flat_map(|d| [format!("{d}T00:00:00Z"), format!("{d}T23:59:59+14:00")])
            .collect(),
        Shape::Integer | Shape::Number => [
            "-9223372036854775808",
            "9223372036854775807",
            "9223372036854775808",
            "-1",
            "0",
            "2147483648",
            "99999999999999999999999999",
            "1e400",
            "-1e308",
            "NaN",
            "inf",
        ]
        .iter()
        .map(|v| v.to_string())
        .collect(),
    };
    let mut runner = TestRunner::new(Config::default());
    let draw = |runner: &mut TestRunner, s: BoxedStrategy<String>| {
        s.new_tree(runner).expect("a value").current()
    };
    let strategy: BoxedStrategy<String> = match shape {
        Shape::Date | Shape::DateTime => (any::<i32>(), 1u32..=12, 1u32..=31)
            .prop_map(move |(y, m, d)| {
                let day = format!("{y:+05}-{m:02}-{d:02}");
                if shape == Shape::Date {
                    day
                } else {
                    format!("{day}T12:00:00Z")
                }
            })
            .boxed(),
        Shape::Integer => any::<i64>().prop_map(|n| n.to_string()).boxed(),
        Shape::Number => any::<f64>().prop_map(|n| n.to_string()).boxed(),
    };
    for _ in 0..random {
        out.push(draw(&mut runner, strategy.clone()));
    }
    out
}

/// Every GET of the JSON API with its date and number query parameters.
fn parameters() -> Vec<(String, Vec<(String, Shape)>)> {
    let doc = serde_json::to_value(aduan::openapi_document()).unwrap();
    let mut out = vec![];
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(get) = ops.get("get") else { continue };
        let mut params = vec![];
        for p in get["parameters"].as_array().into_iter().flatten() {
            if p["in"] != "query" {
                continue;
            }
            let s = &p["schema"];
            let types: Vec<&str> = match &s["type"] {
                serde_json::Value::String(t) => vec![t.as_str()],
                serde_json::Value::Array(a) => a.iter().filter_map(|t| t.as_str()).collect(),
                _ => vec![],
            };
            let shape = match (s["format"].as_str(), types.as_slice()) {
                (Some("date"), _) => Shape::Date,
                (Some("date-time"), _) => Shape::DateTime,
                (_, t) if t.contains(&"integer") => Shape::Integer,
                (_, t) if t.contains(&"number") => Shape::Number,
                _ => continue,
            };
            params.push((p["name"].as_str().unwrap().to_string(), shape));
        }
        if !params.is_empty() {
            out.push((
                path.replace("{id}", "0190f0f0-0000-7000-8000-000000000000"),
                params,
            ));
        }
    }
    out
}

fn encode(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

async fn assert_survives(app: &TestApp, uri: &str, token: Option<&str>) {
    let r = app.call(Method::GET, uri, token, None).await;
    assert!(r.status.as_u16() < 500, "{uri}: {} {}", r.status, r.text);
    if uri.starts_with("/api/") && r.status.is_client_error() {
        assert_eq!(r.content_type(), "application/problem+json", "{uri}");
    }
}

#[actix_web::test]
async fn extreme_dates_and_numbers_never_panic_in_the_api() {
    let app = TestApp::new(Kind::Sqlite).await;
    let admin = app.admin_token().await;
    let ops = parameters();
    assert!(
        ops.len() >= 15,
        "the document lists the parameters: {ops:?}"
    );
    for (path, params) in &ops {
        for (name, shape) in params {
            for v in values(*shape, 5) {
                let v = encode(&v);
                assert_survives(&app, &format!("{path}?{name}={v}"), Some(&admin)).await;
                // All parameters of the same kind at once (a period's two ends).
                let all: Vec<String> = params
                    .iter()
                    .filter(|(_, s)| s == shape)
                    .map(|(n, _)| format!("{n}={v}"))
                    .collect();
                assert_survives(&app, &format!("{path}?{}", all.join("&")), Some(&admin)).await;
            }
        }
    }
}

#[actix_web::test]
async fn extreme_dates_and_numbers_never_panic_in_open311() {
    let app = TestApp::new(Kind::Sqlite).await;
    let params = [
        ("start_date", Shape::DateTime),
        ("end_date", Shape::DateTime),
        ("start_date", Shape::Date),
        ("end_date", Shape::Date),
        ("page", Shape::Integer),
        ("page_size", Shape::Integer),
        ("lat", Shape::Number),
        ("long", Shape::Number),
    ];
    for (name, shape) in params {
        for v in values(shape, 8) {
            let v = encode(&v);
            for format in ["json", "xml"] {
                let uri = format!("/open311/v2/requests.{format}?{name}={v}");
                assert_survives(&app, &uri, None).await;
            }
        }
    }
    // The bug report's own example is refused with Open311's 400.
    let r = app
        .call(
            Method::GET,
            "/open311/v2/requests.json?start_date=%2B262142-12-31",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = app
        .call(
            Method::GET,
            "/api/v1/analytics/trends?to=-262144-01-01",
            Some(&app.admin_token().await),
            None,
        )
        .await;
    r.assert_problem(400, "invalid_query");
}
