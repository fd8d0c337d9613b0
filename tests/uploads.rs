//! Uploads: only roles that document evidence, a daily allowance per user, Open311 checks the
//! whole report before storing its photo, and the sweep removes what nothing uses.

mod common;

use std::time::{Duration, SystemTime};

use actix_web::http::header;
use actix_web::test::TestRequest;
use aduan::db::schema::attachments;
use common::TestApp;
use diesel::prelude::*;

const PNG: &[u8] = include_bytes!("fixtures/plain.png");
const JPEG: &[u8] = include_bytes!("fixtures/visit-gps.jpg");
const WEBP: &[u8] = include_bytes!("fixtures/no-exif.webp");

fn blobs(app: &TestApp) -> usize {
    app.state.blobs.list().unwrap().len()
}

/// Leaders and planners read; they do not upload evidence. Past the day's count, 429 with
/// Retry-After; past the day's bytes, 413 — and nothing is stored for a refused upload.
async fn only_evidence_roles_upload_within_a_daily_allowance(app: TestApp) {
    let vars = [
        ("ADUAN_UPLOADS_PER_DAY", "2"),
        (
            "ADUAN_UPLOAD_BYTES_PER_DAY",
            &*((PNG.len() + JPEG.len() + 10).to_string()),
        ),
    ];
    let app = TestApp::with(app.kind(), &vars).await;
    let admin = app.admin_token().await;
    for role in ["leader", "planner"] {
        let (_, token) = app.user_with_role(&admin, role).await;
        app.upload(&token, "a.png", PNG)
            .await
            .assert_problem(403, "forbidden");
    }
    assert_eq!(app.count("attachments"), 0);
    let (_, pic) = app.user_with_role(&admin, "pic").await;
    let r = app.upload(&pic, "a.png", PNG).await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Bytes: the second file would pass the count but not the bytes.
    app.upload(&pic, "b.jpg", &[JPEG, JPEG].concat())
        .await
        .assert_problem(413, "payload_too_large");
    let r = app.upload(&pic, "c.jpg", JPEG).await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Count: two a day.
    let r = app.upload(&pic, "d.webp", WEBP).await;
    r.assert_problem(429, "too_many_requests");
    let wait: u64 = r
        .headers
        .get(header::RETRY_AFTER)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=86_400).contains(&wait),
        "until the local day ends: {wait}"
    );
    assert_eq!(app.count("attachments"), 2);
    assert_eq!(
        blobs(&app),
        4,
        "two photos and their previews: the refused upload left no blob"
    );
    // Another user has an allowance of its own.
    let (_, head) = app.user_with_role(&admin, "division_head").await;
    assert_eq!(app.upload(&head, "d.webp", WEBP).await.status, 201);
}

/// An Open311 report with a photo and an unknown service is refused before the photo is
/// stored.
async fn open311_stores_no_photo_for_a_refused_report(app: TestApp) {
    let admin = app.admin_token().await;
    let key = app
        .post(
            "/api/v1/api-keys",
            &admin,
            serde_json::json!({"name": "fms"}),
        )
        .await
        .body["key"]
        .as_str()
        .unwrap()
        .to_string();
    let boundary = "b-o-u-n-d";
    let mut body = Vec::new();
    for (k, v) in [
        ("api_key", key.as_str()),
        ("service_code", "tidak-ada"),
        ("lat", "-6.57"),
        ("long", "107.76"),
        ("description", "Lubang besar"),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"x.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(JPEG);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = app
        .send(
            TestRequest::post()
                .uri("/open311/v2/requests.json")
                .insert_header((
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                ))
                .set_payload(body),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("tidak-ada"), "{}", r.text);
    assert_eq!(blobs(&app), 0, "no photo stored for a refused report");
    assert_eq!(app.count("attachments"), 0);
}

/// Makes everything on disk and in the attachments table look `hours` old.
async fn age(app: &TestApp, hours: u64) {
    let then = SystemTime::now() - Duration::from_secs(3600 * hours);
    let root = app.db.dir.path().join("attachments");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                std::fs::File::options()
                    .write(true)
                    .open(e.path())
                    .unwrap()
                    .set_modified(then)
                    .unwrap();
            }
        }
    }
    let at = (chrono::Utc::now() - chrono::Duration::hours(hours as i64)).naive_utc();
    app.state
        .db
        .write(move |c| {
            diesel::update(attachments::table)
                .set(attachments::created_at.eq(at))
                .execute(c)
                .map_err(aduan::db::DbError::from)
        })
        .await
        .unwrap();
}

/// After the grace period, uploads nothing uses go (row and blob), a half-finished staged file
/// goes, and a photo a field visit uses stays.
async fn the_sweep_removes_what_nothing_uses(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_with_role(&admin, "pic").await;
    let unused = app.upload(&pic, "a.png", PNG).await;
    assert_eq!(unused.status, 201);
    // A photo used by an Open311 report (its media) stays.
    let key = app
        .post(
            "/api/v1/api-keys",
            &admin,
            serde_json::json!({"name": "fms"}),
        )
        .await
        .body["key"]
        .as_str()
        .unwrap()
        .to_string();
    let boundary = "b-o-u-n-d";
    let mut body = Vec::new();
    for (k, v) in [
        ("api_key", key.as_str()),
        ("service_code", "jalan"),
        ("attribute[tingkat-kerusakan]", "berat"),
        ("lat", "-6.57"),
        ("long", "107.76"),
        ("description", "Lubang besar sekali"),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"x.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(JPEG);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = app
        .send(
            TestRequest::post()
                .uri("/open311/v2/requests.json")
                .insert_header((
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                ))
                .set_payload(body),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let staged = app.state.blobs.staging_dir().join("cut-off-upload");
    std::fs::write(&staged, b"half a photo").unwrap();
    // Each photo is kept with its preview.
    assert_eq!((app.count("attachments"), blobs(&app)), (2, 4));

    // Within the grace period nothing goes.
    let grace = Duration::from_secs(24 * 3600);
    let swept = aduan::service::uploads::sweep(&app.state, grace)
        .await
        .unwrap();
    assert_eq!(swept, Default::default());
    age(&app, 25).await;
    let swept = aduan::service::uploads::sweep(&app.state, grace)
        .await
        .unwrap();
    assert_eq!((swept.attachments, swept.blobs, swept.staged), (1, 2, 1));
    assert_eq!((app.count("attachments"), blobs(&app)), (1, 2));
    assert!(!staged.exists());
    let kept = app
        .get(&format!("/api/v1/attachments/{}", unused.id()), &pic)
        .await;
    assert_eq!(kept.status, 404, "the unused upload is gone");
}

on_both_backends!(
    only_evidence_roles_upload_within_a_daily_allowance,
    open311_stores_no_photo_for_a_refused_report,
    the_sweep_removes_what_nothing_uses
);
