//! Limits on what one client may ask: failed sign-ins per username and per address, public
//! reads per address, Open311 reports per key — each refused with 429, `Retry-After` and the
//! front's own error document; and the client address taken from `X-Forwarded-For` only when
//! the peer is a trusted proxy.

mod common;

use std::net::SocketAddr;

use actix_web::http::header;
use actix_web::test::TestRequest;
use common::{Kind, Resp, TestApp, ADMIN_PASSWORD, PASSWORD};
use serde_json::json;

fn addr(ip: &str) -> SocketAddr {
    format!("{ip}:40000").parse().unwrap()
}

async fn sign_in_from(
    app: &TestApp,
    peer: &str,
    forwarded: Option<&str>,
    username: &str,
    password: &str,
) -> Resp {
    let mut req = TestRequest::post()
        .uri("/api/v1/auth/token")
        .peer_addr(addr(peer))
        .set_json(json!({"username": username, "password": password}));
    if let Some(f) = forwarded {
        req = req.insert_header(("X-Forwarded-For", f));
    }
    app.send(req).await
}

fn retry_after(r: &Resp) -> u64 {
    r.headers
        .get(header::RETRY_AFTER)
        .unwrap_or_else(|| panic!("Retry-After on {} {}", r.status, r.text))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Three failures for a username block it (even with the right password) for a while;
/// another username, or the same from elsewhere, is not affected by that; five failures from
/// one address block the address for every username.
#[actix_web::test]
async fn failed_sign_ins_are_limited_per_username_and_per_address() {
    let app = TestApp::with(
        Kind::Sqlite,
        &[
            ("ADUAN_SIGN_IN_FAILURES_PER_USER", "3"),
            ("ADUAN_SIGN_IN_FAILURES_PER_ADDRESS", "5"),
            ("ADUAN_SIGN_IN_WINDOW_MINUTES", "15"),
        ],
    )
    .await;
    let admin = app.admin_token().await;
    let (_, _) = app.user_with_role(&admin, "pic").await;
    let pic_name = app.get("/api/v1/users?role=pic&limit=1", &admin).await.body["items"][0]
        ["username"]
        .as_str()
        .unwrap()
        .to_string();

    for _ in 0..3 {
        sign_in_from(&app, "203.0.113.1", None, "admin", "wrong password!")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    let r = sign_in_from(&app, "203.0.113.1", None, "admin", ADMIN_PASSWORD).await;
    r.assert_problem(429, "too_many_requests");
    // Refilled one at a time over the window: 15 min / 3.
    assert!((1..=300).contains(&retry_after(&r)), "{:?}", r.headers);
    // The username is blocked wherever the attempt comes from...
    sign_in_from(&app, "203.0.113.9", None, "admin", ADMIN_PASSWORD)
        .await
        .assert_problem(429, "too_many_requests");
    // ...and other usernames are not.
    let r = sign_in_from(&app, "203.0.113.1", None, &pic_name, PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Five failures from one address, each for another username, block the address.
    for n in 0..5 {
        sign_in_from(
            &app,
            "198.51.100.7",
            None,
            &format!("nobody{n}"),
            "x-wrong-x",
        )
        .await
        .assert_problem(401, "invalid_credentials");
    }
    sign_in_from(&app, "198.51.100.7", None, &pic_name, PASSWORD)
        .await
        .assert_problem(429, "too_many_requests");
    let r = sign_in_from(&app, "198.51.100.8", None, &pic_name, PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// `X-Forwarded-For` from an untrusted peer is ignored (a client cannot pick a new address
/// per attempt); from a trusted proxy it names the client.
#[actix_web::test]
async fn forwarded_addresses_count_only_behind_trusted_proxies() {
    let app = TestApp::with(
        Kind::Sqlite,
        &[
            ("ADUAN_SIGN_IN_FAILURES_PER_ADDRESS", "2"),
            ("ADUAN_SIGN_IN_FAILURES_PER_USER", "1000"),
            ("ADUAN_TRUSTED_PROXIES", "10.0.0.0/8"),
        ],
    )
    .await;
    // Untrusted peer, a new forged address each time: still one client.
    for n in 0..2 {
        let forged = format!("192.0.2.{n}");
        sign_in_from(
            &app,
            "203.0.113.5",
            Some(&forged),
            &format!("u{n}"),
            "wrongwrong",
        )
        .await
        .assert_problem(401, "invalid_credentials");
    }
    sign_in_from(&app, "203.0.113.5", Some("192.0.2.99"), "u9", "wrongwrong")
        .await
        .assert_problem(429, "too_many_requests");
    // Behind the proxy: each forwarded address is its own client...
    for n in 0..6 {
        let client = format!("198.51.100.{n}");
        sign_in_from(
            &app,
            "10.0.0.1",
            Some(&client),
            &format!("v{n}"),
            "wrongwrong",
        )
        .await
        .assert_problem(401, "invalid_credentials");
    }
    // ...and one of them, counted through the proxy, is limited like any other.
    for _ in 0..2 {
        sign_in_from(&app, "10.0.0.1", Some("192.0.2.50"), "w", "wrongwrong").await;
    }
    sign_in_from(
        &app,
        "10.0.0.2",
        Some("192.0.2.50, 10.0.0.1"),
        "w2",
        "wrongwrong",
    )
    .await
    .assert_problem(429, "too_many_requests");
}

/// The public tracking page and every Open311 GET share one allowance per address; past it,
/// 429 as problem+json or as Open311's own error document.
#[actix_web::test]
async fn public_reads_are_limited_per_address() {
    let app = TestApp::with(Kind::Sqlite, &[("ADUAN_PUBLIC_READS_PER_MINUTE", "4")]).await;
    let get = |path: &str, ip: &str| TestRequest::get().uri(path).peer_addr(addr(ip));
    for _ in 0..2 {
        let r = app
            .send(get("/api/v1/public/tickets/SBG-26-000001", "203.0.113.20"))
            .await;
        r.assert_problem(404, "not_found");
        let r = app
            .send(get("/open311/v2/services.json", "203.0.113.20"))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = app
        .send(get("/api/v1/public/tickets/SBG-26-000001", "203.0.113.20"))
        .await;
    r.assert_problem(429, "too_many_requests");
    assert!(retry_after(&r) >= 1);
    let r = app
        .send(get("/open311/v2/services.json", "203.0.113.20"))
        .await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.body[0]["code"], "429", "{}", r.text);
    assert!(retry_after(&r) >= 1);
    let r = app
        .send(get("/open311/v2/requests.xml", "203.0.113.20"))
        .await;
    assert_eq!(r.status, 429);
    assert!(r.text.contains("<errors>"), "{}", r.text);
    // Another address is served.
    let r = app
        .send(get("/open311/v2/services.json", "203.0.113.21"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// Open311 reports are limited per API key: a key past its allowance is refused, another key
/// is not.
#[actix_web::test]
async fn open311_reports_are_limited_per_key() {
    let app = TestApp::with(Kind::Sqlite, &[("ADUAN_OPEN311_POSTS_PER_MINUTE", "2")]).await;
    let admin = app.admin_token().await;
    let key = |name: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let r = app
                .post("/api/v1/api-keys", admin, json!({"name": name}))
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.body["key"].as_str().unwrap().to_string()
        }
    };
    let (one, two) = (key("satu").await, key("dua").await);
    let report = |key: &str, n: u32| {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("api_key", key)
            .append_pair("service_code", "jalan")
            .append_pair("lat", "-6.57")
            .append_pair("long", "107.76")
            .append_pair("description", &format!("Jalan berlubang nomor {n}"))
            .append_pair("attribute[tingkat-kerusakan]", "berat")
            .append_pair("email", "warga@example.com")
            .finish();
        TestRequest::post()
            .uri("/open311/v2/requests.json")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(body)
    };
    for n in 0..2 {
        let r = app.send(report(&one, n)).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = app.send(report(&one, 3)).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(retry_after(&r) >= 1);
    let r = app.send(report(&two, 4)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.count("tickets"), 3, "the refused report wrote nothing");
}

/// A flood of sign-ins from many addresses: one hash at a time here, eight attempts in the
/// check at once (hashing or waiting their turn), the rest refused at once (503 with Retry-After) instead of queueing behind the flood — and a ticket
/// list is served meanwhile.
#[actix_web::test]
async fn password_hashes_run_a_few_at_a_time() {
    let app = TestApp::with(Kind::Sqlite, &[("ADUAN_PASSWORD_HASHES", "1")]).await;
    let admin = app.admin_token().await;
    let flood = (0..40).map(|n| {
        let app = &app;
        async move {
            sign_in_from(
                app,
                &format!("192.0.2.{n}"),
                None,
                &format!("user{n}"),
                "wrongwrong",
            )
            .await
        }
    });
    let list = async {
        let r = app.get("/api/v1/tickets?limit=5", &admin).await;
        assert_eq!(r.status, 200, "served during the flood: {}", r.text);
    };
    let (answers, ()) =
        futures_util::future::join(futures_util::future::join_all(flood), list).await;
    let refused: Vec<&Resp> = answers.iter().filter(|r| r.status == 503).collect();
    let checked = answers.iter().filter(|r| r.status == 401).count();
    assert_eq!(checked, 8, "eight attempts were checked, one at a time");
    assert_eq!(refused.len(), 32);
    for r in refused {
        r.assert_problem(503, "unavailable");
        assert!(retry_after(r) >= 1);
    }
}
