//! Idempotent retries (`Idempotency-Key`): a retry gets the first answer and changes nothing, on
//! the JSON API, Open311 and the console's forms; a key is its caller's; a reused key for a
//! different request, a malformed key and a key still in use are refused; a crash right before
//! or right after the commit never files twice (the real binary, killed and restarted).

mod common;

use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use common::binary::Server;
use common::console::{hidden, location, Visitor};
use common::{Kind, Resp, TestApp, TestDb};

fn walk_in(text: &str) -> Value {
    json!({"source": {"platform": "walk_in", "text": text}})
}

async fn keyed(app: &TestApp, token: &str, path: &str, body: &Value, key: &str) -> Resp {
    app.send(
        TestRequest::post()
            .uri(path)
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .insert_header(("Idempotency-Key", key))
            .set_json(body),
    )
    .await
}

fn replayed(r: &Resp) -> bool {
    r.headers
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

async fn a_retried_filing_files_once(app: TestApp) {
    let admin = app.admin_token().await;
    let crew = app.crew(&admin).await;
    let body = walk_in("Saluran air tersumbat di depan SD");
    let first = keyed(&app, &crew.pic, "/api/v1/tickets", &body, "walk-in-1").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(!replayed(&first));
    let again = keyed(&app, &crew.pic, "/api/v1/tickets", &body, "walk-in-1").await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert!(replayed(&again));
    assert_eq!(again.body, first.body);
    assert_eq!(
        again.headers.get(header::LOCATION),
        first.headers.get(header::LOCATION)
    );
    assert_eq!(again.content_type(), "application/json");
    assert_eq!(app.count("tickets"), 1);

    // The quoted form of the draft (an sf-string) is the same key.
    let quoted = keyed(&app, &crew.pic, "/api/v1/tickets", &body, "\"walk-in-1\"").await;
    assert!(replayed(&quoted));
    assert_eq!(app.count("tickets"), 1);

    // Without a key, the same walk-in complaint is a new ticket, as before.
    assert_eq!(
        app.post("/api/v1/tickets", &crew.pic, body).await.status,
        201
    );
    assert_eq!(app.count("tickets"), 2);
}

async fn a_key_is_its_callers_and_for_one_request(app: TestApp) {
    let admin = app.admin_token().await;
    let crew = app.crew(&admin).await;
    let body = walk_in("Lampu jalan mati");
    let r = keyed(&app, &crew.pic, "/api/v1/tickets", &body, "k-1").await;
    assert_eq!(r.status, 201);

    // Another body under the same key: refused, nothing written.
    let other = walk_in("Sampah menumpuk");
    let r = keyed(&app, &crew.pic, "/api/v1/tickets", &other, "k-1").await;
    r.assert_problem(422, "idempotency_key_reused");
    // The same body to another path is another request too.
    let r = keyed(&app, &crew.pic, "/api/v1/patrols", &body, "k-1").await;
    r.assert_problem(422, "idempotency_key_reused");
    assert_eq!(app.count("tickets"), 1);

    // Another caller's key of the same name is its own.
    let r = keyed(&app, &crew.koord, "/api/v1/tickets", &body, "k-1").await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(!replayed(&r));
    assert_eq!(app.count("tickets"), 2);
}

async fn a_refused_request_lets_its_key_go(app: TestApp) {
    let admin = app.admin_token().await;
    let crew = app.crew(&admin).await;
    let bad = json!({"source": {"platform": "walk_in", "text": "   "}});
    let r = keyed(&app, &crew.pic, "/api/v1/tickets", &bad, "k-2").await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(app.count("idempotency_keys"), 0);
    // Corrected, under the same key: filed.
    let good = walk_in("Jembatan retak");
    let r = keyed(&app, &crew.pic, "/api/v1/tickets", &good, "k-2").await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(!replayed(&r));
    assert_eq!(app.count("tickets"), 1);
    assert_eq!(app.count("idempotency_keys"), 1);
}

async fn malformed_keys_are_refused(app: TestApp) {
    let admin = app.admin_token().await;
    let body = walk_in("Jalan berlubang");
    for key in ["", "two words", &"x".repeat(256), "caf\u{e9}", "\"open"] {
        let r = app
            .send(
                TestRequest::post()
                    .uri("/api/v1/tickets")
                    .insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
                    .insert_header(("Idempotency-Key", key))
                    .set_json(&body),
            )
            .await;
        r.assert_problem(400, "idempotency_key_invalid");
    }
    assert_eq!(app.count("tickets"), 0);
}

/// Acts on a ticket, uploads a file and creates a user under keys: each retried once, each
/// done once.
async fn every_kind_of_post_is_idempotent(app: TestApp) {
    let admin = app.admin_token().await;
    let crew = app.crew(&admin).await;
    let filed = keyed(&app, &crew.pic, "/api/v1/tickets", &walk_in("Banjir"), "f").await;
    let id = filed.id();
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let route = json!({"agency_id": dpupr, "note": "tupoksi DPUPR"});
    let path = format!("/api/v1/tickets/{id}/route");
    let events = app.count("ticket_events");
    let a = keyed(&app, &crew.koord, &path, &route, "route-1").await;
    assert_eq!(a.status, 200, "{}", a.text);
    let b = keyed(&app, &crew.koord, &path, &route, "route-1").await;
    assert_eq!((b.status.as_u16(), replayed(&b)), (200, true), "{}", b.text);
    assert_eq!(b.body, a.body);
    assert_eq!(app.count("ticket_events"), events + 1);

    let user = json!({"username": "pic.baru", "password": common::PASSWORD,
        "display_name": "PIC Baru", "role": "pic", "agency_id": dpupr});
    let a = keyed(&app, &admin, "/api/v1/users", &user, "user-1").await;
    let b = keyed(&app, &admin, "/api/v1/users", &user, "user-1").await;
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (201, 201));
    assert!(replayed(&b));
    assert_eq!(a.body["id"], b.body["id"]);

    // A multipart upload, sent twice with a different boundary each time: one attachment.
    let photo = std::fs::read("tests/fixtures/plain.png").unwrap();
    let attachments = app.count("attachments");
    let mut ids = Vec::new();
    for boundary in ["----one-boundary", "----another-boundary"] {
        let r = app
            .send(upload(&crew.pic, boundary, &photo).insert_header(("Idempotency-Key", "up-1")))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.id());
    }
    assert_eq!(ids[0], ids[1]);
    assert_eq!(app.count("attachments"), attachments + 1);
}

fn upload(token: &str, boundary: &str, bytes: &[u8]) -> TestRequest {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"foto.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    TestRequest::post()
        .uri("/api/v1/attachments")
        .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
        .insert_header((
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body)
}

/// A double tap on a console form: the page's own key makes the second submission land where
/// the first did, and the action is done once.
async fn a_double_tap_in_the_console_acts_once(app: TestApp) {
    let admin = app.admin_token().await;
    let crew = app.crew(&admin).await;
    let filed = app
        .post("/api/v1/tickets", &crew.pic, walk_in("Drainase meluap"))
        .await;
    let code = filed.body["code"].as_str().unwrap().to_string();
    let mut v = Visitor::new(&app);
    assert_eq!(v.sign_in("koord.a", common::PASSWORD).await.status, 303);
    let page = v.get(&format!("/app/aduan/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let route_form = page.text.split("/route\">").nth(1).expect("the route form");
    let key = hidden(route_form, "idempotency_key").expect("the form's key");
    let csrf = hidden(&page.text, "csrf").unwrap();
    let version = hidden(route_form, "versi").unwrap();
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("idempotency_key", key.as_str()),
        ("versi", version.as_str()),
        ("agency_id", dpupr.as_str()),
        ("note", ""),
    ];
    let events = app.count("ticket_events");
    let path = format!("/app/aduan/{code}/route");
    let first = v.post(&path, &fields).await;
    assert_eq!(first.status, 303, "{}", first.text);
    let second = v.post(&path, &fields).await;
    assert_eq!(second.status, 303, "{}", second.text);
    assert_eq!(location(&second), location(&first));
    assert_eq!(app.count("ticket_events"), events + 1);

    // The same stale form without its key: the version check refuses it, as before.
    let stale: Vec<_> = fields
        .iter()
        .filter(|(n, _)| *n != "idempotency_key")
        .copied()
        .collect();
    let r = v.post(&path, &stale).await;
    assert_ne!(r.status, 303, "{}", r.text);
    assert_eq!(app.count("ticket_events"), events + 1);

    // Every form of the page has a key of its own.
    let keys: Vec<&str> = page
        .text
        .matches("name=\"idempotency_key\" value=\"")
        .collect();
    let distinct: std::collections::BTreeSet<String> = page
        .text
        .split("name=\"idempotency_key\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    assert!(keys.len() >= 2);
    assert_eq!(distinct.len(), keys.len());
}

async fn open311_requests_retry_by_their_api_key(app: TestApp) {
    let admin = app.admin_token().await;
    let r = app
        .post(
            "/api/v1/api-keys",
            &admin,
            json!({"name": "aplikasi warga"}),
        )
        .await;
    let key = r.body["key"].as_str().unwrap().to_string();
    let form = |desc: &str| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("api_key", key.as_str()),
                ("service_code", "jalan"),
                ("lat", "-6.5712"),
                ("long", "107.7601"),
                ("description", desc),
                ("attribute[tingkat-kerusakan]", "berat"),
                ("attribute[panjang-kerusakan]", "3"),
            ])
            .finish()
    };
    let send = |body: String, idem: &'static str| {
        TestRequest::post()
            .uri("/open311/v2/requests.json")
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .insert_header(("Idempotency-Key", idem))
            .set_payload(body)
    };
    let a = app.send(send(form("Lubang di jalan desa"), "o-1")).await;
    assert_eq!(a.status, 201, "{}", a.text);
    let b = app.send(send(form("Lubang di jalan desa"), "o-1")).await;
    assert_eq!((b.status.as_u16(), replayed(&b)), (201, true), "{}", b.text);
    assert_eq!(a.body, b.body);
    let c = app.send(send(form("Jembatan putus"), "o-1")).await;
    assert_eq!(c.status, 422, "{}", c.text);
    assert_eq!(app.count("tickets"), 1);
}

/// While the first request with a key still runs (held here by a lock on the tickets table),
/// a retry is told to wait: 409 with Retry-After; after the first ends, the retry gets its
/// answer. (PostgreSQL: on SQLite one process's writes queue, so a retry sees the first end.)
#[actix_web::test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
async fn a_retry_while_the_first_runs_is_told_to_wait() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let app = TestApp::new(Kind::Postgres).await;
    let admin = app.admin_token().await;
    let body = walk_in("Pohon tumbang menutup jalan");
    let mut lock = diesel::PgConnection::establish(&app.db.url).unwrap();
    lock.batch_execute("BEGIN; LOCK TABLE tickets IN EXCLUSIVE MODE")
        .unwrap();
    let first = keyed(&app, &admin, "/api/v1/tickets", &body, "slow-1");
    let meanwhile = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let r = keyed(&app, &admin, "/api/v1/tickets", &body, "slow-1").await;
        lock.batch_execute("COMMIT").unwrap();
        r
    };
    let (first, retry) = futures_util::future::join(first, meanwhile).await;
    retry.assert_problem(409, "idempotency_key_in_use");
    assert!(retry.headers.get(header::RETRY_AFTER).is_some());
    assert_eq!(first.status, 201, "{}", first.text);
    let after = keyed(&app, &admin, "/api/v1/tickets", &body, "slow-1").await;
    assert!(replayed(&after));
    assert_eq!(after.body, first.body);
    assert_eq!(app.count("tickets"), 1);
}

/// The writes of one request under a hold: two started together commit in turn (neither waits
/// on the other's lock forever), the last commits with the finishing statement, and a hold
/// dropped before its answer rolls its held write back.
async fn held_writes_commit_in_turn_or_roll_back(app: TestApp) {
    use aduan::db::held::Hold;
    use aduan::db::models::idempotency_key;
    let db = app.state.db.clone();
    let claim = |key: &'static str| {
        let db = db.clone();
        async move {
            db.write(move |c| {
                let now = aduan::db::now();
                let d = chrono::Duration::seconds(60);
                idempotency_key::claim(c, ("test", key, "fp"), now, d, d)
                    .map_err(aduan::db::DbError::from)
            })
            .await
            .unwrap();
        }
    };
    let hold = Hold::new();
    let both = hold.run(futures_util::future::join(claim("a"), claim("b")));
    tokio::time::timeout(Duration::from_secs(20), both)
        .await
        .expect("two writes of one request never wait on each other");
    assert!(hold.wrote());
    let finished = hold.finish(Box::new(|_| Ok(()))).await;
    assert!(matches!(finished, Some(Ok(()))), "{finished:?}");
    assert_eq!(app.count("idempotency_keys"), 2);

    let hold = Hold::new();
    hold.run(claim("c")).await;
    drop(hold);
    // Rolled back, and the writer's lock is free again.
    tokio::time::timeout(Duration::from_secs(20), claim("d"))
        .await
        .expect("the dropped hold let go");
    assert_eq!(app.count("idempotency_keys"), 3);
}

on_both_backends!(
    held_writes_commit_in_turn_or_roll_back,
    a_retried_filing_files_once,
    a_key_is_its_callers_and_for_one_request,
    a_refused_request_lets_its_key_go,
    malformed_keys_are_refused,
    every_kind_of_post_is_idempotent,
    a_double_tap_in_the_console_acts_once,
    open311_requests_retry_by_their_api_key,
);

// ---- the real binary, killed at the commit -------------------------------------------------

/// Posts with a key over a real socket; `None` when the connection died without an answer.
fn post_keyed(port: u16, token: &str, body: &str, key: &str) -> Option<(u16, String, Value)> {
    common::binary::request(
        port,
        "POST",
        "/api/v1/tickets",
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Idempotency-Key", key),
        ],
        body,
    )
}

/// Retries as a client should: again after `Retry-After` while the key is in use.
fn retry(port: u16, token: &str, body: &str, key: &str) -> (u16, String, Value) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer = post_keyed(port, token, body, key).expect("an answer");
        if answer.0 != 409 || Instant::now() > deadline {
            return answer;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn crash_and_retry(kind: Kind, point: &str) {
    let db = TestDb::new(kind);
    let dir = tempfile::tempdir().unwrap();
    // A short request timeout keeps the key's lease (timeout + 5 s) short for the retry.
    let vars = [
        ("ADUAN_TEST_ABORT", point),
        ("ADUAN_REQUEST_TIMEOUT_SECS", "2"),
    ];
    let mut server = Server::start_with(&db.url, dir.path(), &vars);
    let token = server.token();
    let body = walk_in("Kabel listrik menjuntai di jalan").to_string();
    assert!(
        post_keyed(server.port, &token, &body, "crash-1").is_none(),
        "the process dies before it answers"
    );
    let status = server.child.wait().unwrap();
    assert!(!status.success(), "aborted at {point}");

    let server = Server::start(&db.url, dir.path());
    let (status, head, ticket) = retry(server.port, &token, &body, "crash-1");
    assert_eq!(status, 201, "{ticket}");
    let replay = head
        .to_ascii_lowercase()
        .contains("idempotent-replayed: true");
    // Killed after the commit, the answer was stored with the ticket: the retry replays it.
    // Killed before, nothing was written: the retry files it now.
    assert_eq!(replay, point == "after-commit", "{head}");
    let (_, list) = common::binary::http(
        server.port,
        "GET",
        "/api/v1/tickets?limit=50",
        Some(&token),
        "",
    );
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["id"], ticket["id"]);
    // And the retry after that is a replay.
    let (status, head, again) = retry(server.port, &token, &body, "crash-1");
    assert_eq!(status, 201);
    assert!(head
        .to_ascii_lowercase()
        .contains("idempotent-replayed: true"));
    assert_eq!(again["id"], ticket["id"]);
    server.stop();
}

#[test]
fn killed_right_after_the_commit_the_retry_replays_one_ticket_sqlite() {
    crash_and_retry(Kind::Sqlite, "after-commit");
}

#[test]
fn killed_right_before_the_commit_the_retry_files_one_ticket_sqlite() {
    crash_and_retry(Kind::Sqlite, "before-commit");
}

#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn killed_right_after_the_commit_the_retry_replays_one_ticket_postgres() {
    crash_and_retry(Kind::Postgres, "after-commit");
}

#[test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
fn killed_right_before_the_commit_the_retry_files_one_ticket_postgres() {
    crash_and_retry(Kind::Postgres, "before-commit");
}
