//! Evidence uploads over HTTP with real files: type by content, size limit, SHA-256 and storing
//! identical files once, EXIF, and who may download.

mod common;

use actix_web::http::header;
use actix_web::test::TestRequest;
use common::{Kind, TestApp};
use serde_json::json;
use sha2::{Digest, Sha256};

const PHOTO: &[u8] = include_bytes!("fixtures/visit-gps.jpg");
const PNG: &[u8] = include_bytes!("fixtures/plain.png");
const WEBP: &[u8] = include_bytes!("fixtures/no-exif.webp");
const PDF: &[u8] = include_bytes!("fixtures/berita-acara.pdf");
const DISGUISED: &[u8] = include_bytes!("fixtures/disguised.jpg");

fn blobs_on_disk(app: &TestApp) -> usize {
    fn walk(p: &std::path::Path) -> usize {
        std::fs::read_dir(p)
            .map(|d| {
                d.flatten()
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() {
                            if path.ends_with("staging") {
                                0
                            } else {
                                walk(&path)
                            }
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.db.dir.path().join("attachments"))
}

fn staged_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.db.dir.path().join("attachments/staging"))
        .map(|d| d.count())
        .unwrap_or(0)
}

async fn kinds_of_files(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    for (name, bytes, kind) in [
        ("foto.jpg", PHOTO, "image/jpeg"),
        ("peta.png", PNG, "image/png"),
        ("foto.webp", WEBP, "image/webp"),
        ("berita-acara.pdf", PDF, "application/pdf"),
        // The name says nothing: a PNG called .pdf is a PNG.
        ("laporan.pdf", PNG, "image/png"),
    ] {
        let r = app.upload(&divhead, name, bytes).await;
        assert_eq!(r.status, 201, "{name}: {}", r.text);
        assert_eq!(r.body["content_type"], kind, "{name}");
        assert_eq!(r.body["size"], bytes.len());
        assert_eq!(r.body["sha256"], hex::encode(Sha256::digest(bytes)));
        let back = app
            .get(&format!("/api/v1/attachments/{}", r.id()), &divhead)
            .await;
        assert_eq!(back.status, 200, "{name}");
        assert_eq!(back.content_type(), kind);
        assert_eq!(back.bytes, bytes, "{name}: the same bytes back");
    }
    let r = app.upload(&divhead, "foto.jpg", PNG).await;
    assert_eq!(
        r.body["taken_at"],
        serde_json::Value::Null,
        "no EXIF, no time"
    );
    assert_eq!(r.body["lat"], serde_json::Value::Null);
    assert_eq!(
        blobs_on_disk(&app),
        7,
        "five uploads of four distinct files, and the previews of the three distinct photos"
    );
    assert_eq!(app.count("attachments"), 6);
    assert_eq!(staged_files(&app), 0);
}

async fn refused_files(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let r = app.upload(&divhead, "foto.jpg", DISGUISED).await;
    r.assert_problem(415, "unsupported_file_type");
    assert!(
        r.body["detail"].as_str().unwrap().contains("JPEG"),
        "{}",
        r.text
    );
    let r = app
        .upload(&divhead, "x.jpg", b"<svg onload=alert(1)></svg>")
        .await;
    r.assert_problem(415, "unsupported_file_type");
    let r = app.upload(&divhead, "empty.jpg", b"").await;
    r.assert_problem(422, "validation_failed");
    // Not multipart at all.
    let r = app
        .send(
            TestRequest::post()
                .uri("/api/v1/attachments")
                .insert_header((header::AUTHORIZATION, format!("Bearer {divhead}")))
                .insert_header((header::CONTENT_TYPE, "image/jpeg"))
                .set_payload(PHOTO),
        )
        .await;
    r.assert_problem(415, "unsupported_media_type");
    // Multipart without a `file` part.
    let r = app
        .send(
            TestRequest::post()
                .uri("/api/v1/attachments")
                .insert_header((header::AUTHORIZATION, format!("Bearer {divhead}")))
                .insert_header((header::CONTENT_TYPE, "multipart/form-data; boundary=b"))
                .set_payload(
                    "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n",
                ),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    // Signed out.
    let r = app
        .send(
            TestRequest::post()
                .uri("/api/v1/attachments")
                .insert_header((header::CONTENT_TYPE, "multipart/form-data; boundary=b"))
                .set_payload("--b--\r\n"),
        )
        .await;
    r.assert_problem(401, "unauthenticated");
    assert_eq!(app.count("attachments"), 0);
    assert_eq!(blobs_on_disk(&app), 0);
    assert_eq!(
        staged_files(&app),
        0,
        "refused uploads leave nothing behind"
    );
}

/// Who may download: the uploader, and whoever sees a ticket whose visit uses the file.
async fn downloads_follow_tickets(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let (_, other_divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let (_, dinkes_pic) = app.user_in(&admin, "pic", "dinkes", None).await;
    let up = app.upload(&divhead, "foto.jpg", PHOTO).await;
    let id = up.id();
    let path = format!("/api/v1/attachments/{id}");
    assert_eq!(app.get(&path, &divhead).await.status, 200);
    app.get(&path, &other_divhead)
        .await
        .assert_problem(404, "not_found");
    app.get(&path, &admin)
        .await
        .assert_problem(404, "not_found");
    app.get(
        &format!("/api/v1/attachments/{}", uuid::Uuid::now_v7()),
        &divhead,
    )
    .await
    .assert_problem(404, "not_found");

    // Attach it to a visit of a ticket in Bina Marga.
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let t = app
        .post(
            "/api/v1/tickets",
            &pic,
            json!({"source": {"platform": "whatsapp", "author": "Pak Ujang", "text": "Jalan ambles"}}),
        )
        .await
        .id();
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let bm = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;
    app.post(
        &format!("/api/v1/tickets/{t}/route"),
        &coord,
        json!({"agency_id": dpupr}),
    )
    .await;
    app.post(
        &format!("/api/v1/tickets/{t}/assign"),
        &head,
        json!({"division_id": bm}),
    )
    .await;
    // Someone else's file cannot be attached.
    let r = app
        .post(
            &format!("/api/v1/tickets/{t}/field-visits"),
            &other_divhead,
            json!({"visited_at": "2025-07-08T09:00:00+07:00", "notes": "cek", "attachment_ids": [id]}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    let r = app
        .post(
            &format!("/api/v1/tickets/{t}/field-visits"),
            &divhead,
            json!({"visited_at": "2025-07-08T09:00:00+07:00", "notes": "  ", "attachment_ids": [id]}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    let r = app
        .post(
            &format!("/api/v1/tickets/{t}/field-visits"),
            &divhead,
            json!({"visited_at": "2025-07-08T09:00:00+07:00", "notes": "Ambles 2 m", "attachment_ids": [id, id]}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(app.count("field_visits"), 0);
    let r = app
        .post(
            &format!("/api/v1/tickets/{t}/field-visits"),
            &divhead,
            json!({"visited_at": "2025-07-08T09:00:00+07:00", "notes": "Ambles 2 m", "attachment_ids": [id]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    for token in [&other_divhead, &admin, &pic, &coord, &head] {
        assert_eq!(app.get(&path, token).await.status, 200);
    }
    app.get(&path, &dinkes_pic)
        .await
        .assert_problem(404, "not_found");
    // A PIC may not record visits.
    let r = app
        .post(
            &format!("/api/v1/tickets/{t}/field-visits"),
            &pic,
            json!({"visited_at": "2025-07-08T09:00:00+07:00", "notes": "x"}),
        )
        .await;
    r.assert_problem(403, "forbidden");
}

on_both_backends!(kinds_of_files, refused_files, downloads_follow_tickets);

/// Over the limit → 413, and nothing is kept.
#[actix_web::test]
async fn oversized_files_are_refused() {
    let app = TestApp::with(Kind::Sqlite, &[("ADUAN_MAX_UPLOAD_BYTES", "2048")]).await;
    let admin = app.admin_token().await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let mut big = PHOTO.to_vec();
    big.resize(4096, 0);
    let r = app.upload(&divhead, "besar.jpg", &big).await;
    r.assert_problem(413, "payload_too_large");
    assert_eq!(app.count("attachments"), 0);
    assert_eq!(staged_files(&app), 0);
    assert_eq!(app.upload(&divhead, "kecil.jpg", PHOTO).await.status, 201);
}
