//! Bounded requests: a declared body over the bound is refused before it is read, an Open311
//! key in the query is checked before the body, a multipart part's headers are capped, a slow
//! request is cut off, and PostgreSQL statements have a timeout.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::test::TestRequest;
use common::{Kind, TestApp};

fn staged_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.state.blobs.staging_dir())
        .map(|d| d.count())
        .unwrap_or(0)
}

/// A declared Content-Length over the largest body aduan takes is 413 at once, as problem+json
/// on the API and as Open311's error document under /open311/.
async fn declared_lengths_over_the_bound_are_refused(app: TestApp) {
    let admin = app.admin_token().await;
    let huge = (1u64 << 30).to_string();
    let r = app
        .send(
            TestRequest::post()
                .uri("/api/v1/attachments")
                .insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
                .insert_header((header::CONTENT_TYPE, "multipart/form-data; boundary=x"))
                .set_payload("--x--")
                .insert_header((header::CONTENT_LENGTH, huge.as_str())),
        )
        .await;
    r.assert_problem(413, "payload_too_large");
    let r = app
        .send(
            TestRequest::post()
                .uri("/open311/v2/requests.json")
                .insert_header((header::CONTENT_TYPE, "multipart/form-data; boundary=x"))
                .set_payload("--x--")
                .insert_header((header::CONTENT_LENGTH, huge.as_str())),
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(r.body[0]["code"], "413", "{}", r.text);
    assert_eq!(app.count("attachments"), 0);
}

/// A wrong api_key in the query string is refused before the body is looked at: the answer is
/// 403 even for a body that is not a valid form at all.
async fn open311_checks_a_query_key_before_the_body(app: TestApp) {
    let r = app
        .send(
            TestRequest::post()
                .uri("/open311/v2/requests.json?api_key=aduan_wrong")
                .insert_header((header::CONTENT_TYPE, "multipart/form-data; boundary=x"))
                .set_payload("this is not multipart at all"),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.text.contains("api_key is not valid"), "{}", r.text);
    assert_eq!(staged_files(&app), 0);
}

/// A part whose headers never end is refused, and nothing is left in staging.
async fn endless_part_headers_are_refused(app: TestApp) {
    let admin = app.admin_token().await;
    let mut body =
        b"--b0und\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nX-Pad: "
            .to_vec();
    body.extend(std::iter::repeat_n(b'a', 64 * 1024));
    body.extend_from_slice(b"\r\n\r\nxx\r\n--b0und--\r\n");
    let r = app
        .send(
            TestRequest::post()
                .uri("/api/v1/attachments")
                .insert_header((header::AUTHORIZATION, format!("Bearer {admin}")))
                .insert_header((header::CONTENT_TYPE, "multipart/form-data; boundary=b0und"))
                .set_payload(body),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("headers are longer"), "{}", r.text);
    assert_eq!(app.count("attachments"), 0);
    assert_eq!(staged_files(&app), 0);
}

/// PostgreSQL cancels a statement past ADUAN_DB_STATEMENT_TIMEOUT_MS; the request is answered
/// 503 with Retry-After, not 500. (SQLite has no statement timeout.)
#[actix_web::test]
#[cfg_attr(
    not(aduan_pg_tests),
    ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
)]
async fn postgres_statements_time_out() {
    let app = TestApp::with(Kind::Postgres, &[("ADUAN_DB_STATEMENT_TIMEOUT_MS", "200")]).await;
    use diesel::connection::SimpleConnection;
    let r = app
        .state
        .db
        .read(|c| {
            c.batch_execute("SELECT pg_sleep(2)")
                .map_err(aduan::error::ServiceError::from)
        })
        .await;
    match r {
        Err(e @ aduan::error::ServiceError::Unavailable(_)) => {
            assert_eq!(e.retry_after(), Some(2))
        }
        other => panic!("expected 503, got {other:?}"),
    }
    // The connection is fine afterwards, and long work may lift the timeout for itself.
    app.state
        .db
        .write(|c| {
            aduan::db::lift_statement_timeout(c)?;
            c.batch_execute("SELECT pg_sleep(0.4)")
                .map_err(aduan::db::DbError::from)
        })
        .await
        .unwrap();
}

on_both_backends!(
    declared_lengths_over_the_bound_are_refused,
    open311_checks_a_query_key_before_the_body,
    endless_part_headers_are_refused
);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Over a real socket: a body dripped a byte a second is cut off after
/// ADUAN_REQUEST_TIMEOUT_SECS with 408 and the connection closed.
#[test]
fn slow_bodies_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aduan"))
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("ADUAN_BIND", format!("127.0.0.1:{port}"))
        .env("ADUAN_ADMIN_PASSWORD", "admin-password-123")
        .env("ADUAN_REQUEST_TIMEOUT_SECS", "2")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(
        b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    )
    .unwrap();
    let started = Instant::now();
    // Drip on a second thread until the server closes on us.
    let mut dripper = s.try_clone().unwrap();
    std::thread::spawn(move || {
        for _ in 0..30 {
            std::thread::sleep(Duration::from_millis(500));
            if dripper.write_all(b" ").is_err() {
                break;
            }
        }
    });
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    eprintln!("cut off after {} ms", started.elapsed().as_millis());
}
