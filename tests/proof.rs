//! Proof of real response, on both backends: staff mark a complaint's photos publishable (only
//! with the confirmation; only the complaint's own photos; never for a confidential one), the
//! public gets re-encoded copies without EXIF, and the proof card is drawn from what the public
//! may see — an anonymous complaint by its category and place only, unpublished photos never.

mod common;

use common::{TestApp, PASSWORD};
use serde_json::json;

const PHOTO: &[u8] = include_bytes!("fixtures/visit-gps.jpg");
const OTHER: &[u8] = include_bytes!("fixtures/plain.png");
/// Words of the complainant that must never reach a public page of an anonymous complaint.
const SECRET_WORDS: &str = "Rumah saya di gang mawar nomor tujuh";

fn get(path: &str) -> actix_web::test::TestRequest {
    actix_web::test::TestRequest::get().uri(path)
}

/// A complaint of Dinas PUPR fixed after a field visit: the photo it was filed with ("before"),
/// the visit's photo ("after"); its id and code and the two attachment ids.
async fn fixed(app: &TestApp, admin: &str, anonymous: bool) -> (String, String, String, String) {
    let common::console::Crew {
        pic,
        koord,
        kadis,
        kabid,
    } = app.crew(admin).await;
    let before = app.upload(&pic, "sebelum.jpg", PHOTO).await.id();
    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            json!({"source": {"platform": "instagram",
                "comment_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/4401/",
                "text": format!("{SECRET_WORDS}, jalannya berlubang, hubungi 081234567890")},
                "category": "jalan", "region": "jalancagak.bunihayu", "anonymous": anonymous,
                "attachment_ids": [before]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (id, code) = (r.id(), r.body["code"].as_str().unwrap().to_string());
    let agency = app.agency_id(admin, "dpupr").await;
    let division = app.division_id(admin, "dpupr", "dpupr.bina-marga").await;
    for (who, action, body) in [
        (&koord, "route", json!({"agency_id": agency})),
        (&kadis, "assign", json!({"division_id": division})),
        (&kabid, "start", json!({})),
    ] {
        let r = app
            .post(&format!("/api/v1/tickets/{id}/{action}"), who, body)
            .await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    }
    let after = app.upload(&kabid, "sesudah.png", OTHER).await.id();
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/field-visits"),
            &kabid,
            json!({"visited_at": "2026-11-30T10:00:00+07:00", "notes": "Sudah ditambal",
                "attachment_ids": [after]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (id, code, before, after)
}

async fn publishing_photos_and_the_proof_card(app: TestApp) {
    let admin = app.admin_token().await;
    let (id, code, before, after) = fixed(&app, &admin, false).await;
    let kabid = app.token("kabid.a", PASSWORD).await;
    let photos = format!("/api/v1/tickets/{id}/public-photos");

    // Not resolved yet: no proof card, here or in public.
    app.get(&format!("/api/v1/tickets/{id}/proof.png"), &kabid)
        .await
        .assert_problem(409, "not_resolved");
    assert_eq!(
        app.send(get(&format!("/lacak/{code}/bukti.png")))
            .await
            .status,
        404
    );

    // Publishing needs the confirmation, and only the complaint's own photos.
    let put = |att: &str, yes: bool| {
        let path = format!("{photos}/{att}");
        let req = actix_web::test::TestRequest::put()
            .uri(&path)
            .insert_header(("authorization", format!("Bearer {kabid}")))
            .set_json(json!({"confirm_no_personal_data": yes}));
        app.send(req)
    };
    put(&before, false)
        .await
        .assert_problem(422, "validation_failed");
    let stranger = app.upload(&kabid, "lain.jpg", PHOTO).await.id();
    put(&stranger, true).await.assert_problem(404, "not_found");
    assert_eq!(app.count("published_photos"), 0);
    let r = put(&before, true).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["role"], "before");
    let r = put(&after, true).await;
    assert_eq!(r.body["role"], "after");
    assert_eq!(
        put(&after, true).await.status,
        200,
        "publishing again changes nothing"
    );
    let list = app.get(&photos, &kabid).await;
    assert_eq!(list.body.as_array().unwrap().len(), 2, "{}", list.text);

    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/resolve"),
            &kabid,
            json!({"summary": "Ditambal"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let card = app
        .get(&format!("/api/v1/tickets/{id}/proof.png"), &kabid)
        .await;
    assert_eq!(card.status, 200, "{}", card.text);
    assert_eq!(card.content_type(), "image/png");
    let img = image::load_from_memory(&card.bytes).unwrap();
    assert_eq!((img.width(), img.height()), (1080, 1080));

    // In public: the tracking page shows the card; /bukti lists the complaint with its
    // public copies, which carry no EXIF, unlike the original.
    let page = app.send(get(&format!("/lacak/{code}"))).await;
    assert!(
        page.text.contains(&format!("/lacak/{code}/bukti.png")),
        "{}",
        page.text
    );
    let public_card = app.send(get(&format!("/lacak/{code}/bukti.png"))).await;
    assert_eq!(public_card.status, 200);
    assert_eq!(
        public_card.bytes, card.bytes,
        "the same card for staff and public"
    );
    let list = app.send(get("/bukti")).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(list.headers.get("set-cookie").is_none());
    assert!(
        list.text.contains(&format!("href=\"/lacak/{code}\"")),
        "{}",
        list.text
    );
    assert!(!list.text.contains("081234567890"), "masked");
    let copies: Vec<&str> = list
        .text
        .split("src=\"/bukti/foto/")
        .skip(1)
        .map(|s| &s[..64])
        .collect();
    assert_eq!(copies.len(), 2, "{}", list.text);
    for sha in copies {
        let photo = app.send(get(&format!("/bukti/foto/{sha}"))).await;
        assert_eq!(photo.status, 200);
        assert_eq!(&photo.bytes[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
        assert!(
            !photo.bytes.windows(4).any(|w| w == b"Exif"),
            "no EXIF in the public copy"
        );
    }
    assert!(
        PHOTO.windows(4).any(|w| w == b"Exif"),
        "the original has EXIF"
    );
    // An original's digest is not a public name.
    let original = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(PHOTO))
    };
    assert_eq!(
        app.send(get(&format!("/bukti/foto/{original}")))
            .await
            .status,
        404
    );
    // Filters: another kecamatan shows nothing.
    let regions = app
        .get("/api/v1/regions?level=kecamatan&limit=100", &admin)
        .await;
    let other = regions.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] != "jalancagak")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let none = app.send(get(&format!("/bukti?kecamatan={other}"))).await;
    assert!(
        none.text.contains("Belum ada bukti untuk pilihan ini."),
        "{}",
        none.text
    );

    // Withdrawn: gone from the public at once.
    let req = actix_web::test::TestRequest::delete()
        .uri(&format!("{photos}/{after}"))
        .insert_header(("authorization", format!("Bearer {kabid}")));
    assert_eq!(app.send(req).await.status, 204);
    let list = app.send(get("/bukti")).await;
    assert_eq!(list.text.matches("src=\"/bukti/foto/").count(), 1);
}

/// An anonymous complaint: its card, its tracking page and /bukti show its category and place,
/// never its words; a confidential one shows nothing at all.
async fn anonymous_and_confidential_complaints_stay_private(app: TestApp) {
    let admin = app.admin_token().await;
    let (id, code, before, _) = fixed(&app, &admin, true).await;
    let kabid = app.token("kabid.a", PASSWORD).await;
    let req = actix_web::test::TestRequest::put()
        .uri(&format!("/api/v1/tickets/{id}/public-photos/{before}"))
        .insert_header(("authorization", format!("Bearer {kabid}")))
        .set_json(json!({"confirm_no_personal_data": true}));
    assert_eq!(app.send(req).await.status, 200);
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/resolve"),
            &kabid,
            json!({"summary": "Ditambal"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for path in [format!("/lacak/{code}"), "/bukti".to_string()] {
        let page = app.send(get(&path)).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.text.contains(SECRET_WORDS), "{path}: {}", page.text);
        assert!(!page.text.contains("081234567890"), "{path}");
    }
    let list = app.send(get("/bukti")).await;
    assert!(list.text.contains("Aduan tentang jalan"), "{}", list.text);
    let card = app.send(get(&format!("/lacak/{code}/bukti.png"))).await;
    assert_eq!(card.status, 200);

    // Confidential: nothing public, and no photo may be published.
    let (_, pic) = (0, app.token("pic.a", PASSWORD).await);
    let secret = app.upload(&pic, "rahasia.jpg", PHOTO).await.id();
    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            json!({"source": {"platform": "instagram",
                "comment_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/4402/",
                "text": "Laporan pungli"}, "category": "jalan", "confidential": true,
                "attachment_ids": [secret]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (cid, ccode) = (r.id(), r.body["code"].as_str().unwrap().to_string());
    let req = actix_web::test::TestRequest::put()
        .uri(&format!("/api/v1/tickets/{cid}/public-photos/{secret}"))
        .insert_header(("authorization", format!("Bearer {pic}")))
        .set_json(json!({"confirm_no_personal_data": true}));
    app.send(req).await.assert_problem(409, "confidential");
    assert_eq!(
        app.send(get(&format!("/lacak/{ccode}/bukti.png")))
            .await
            .status,
        404
    );
}

/// From the complaint page: show a photo to the public (only with the confirmation), withdraw
/// it, and download the proof card once the complaint is fixed.
async fn publishing_from_the_complaint_page(app: TestApp) {
    use common::console::{hidden, location, Visitor};
    let admin = app.admin_token().await;
    let (id, code, before, _) = fixed(&app, &admin, false).await;
    let mut kabid = Visitor::new(&app);
    assert_eq!(kabid.sign_in("kabid.a", PASSWORD).await.status, 303);
    let page_path = format!("/app/aduan/{code}");
    let page = kabid.get(&page_path).await;
    let action = format!("/app/aduan/{code}/foto/{before}/publik");
    assert!(
        page.text.contains(&format!("action=\"{action}\"")),
        "{}",
        page.text
    );
    assert!(!page.text.contains("Kartu bukti"), "not fixed yet");
    let csrf = hidden(&page.text, "csrf").unwrap();
    let r = kabid.post(&action, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("role=\"alert\""), "{}", r.text);
    assert_eq!(app.count("published_photos"), 0);
    let r = kabid
        .post(&action, &[("csrf", &csrf), ("yakin", "ya")])
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = kabid.get(location(&r)).await;
    assert!(
        page.text.contains("Foto ditampilkan ke publik"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Tampil ke publik"));
    assert!(page
        .text
        .contains(&format!("/app/aduan/{code}/foto/{before}/tarik")));

    let kabid_token = app.token("kabid.a", PASSWORD).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/resolve"),
            &kabid_token,
            json!({"summary": "Ditambal"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let page = kabid.get(&page_path).await;
    assert!(page.text.contains("Unduh kartu bukti"), "{}", page.text);
    let card = kabid.get(&format!("/app/aduan/{code}/bukti.png")).await;
    assert_eq!(card.status, 200);
    assert_eq!(card.content_type(), "image/png");

    let r = kabid
        .post(
            &format!("/app/aduan/{code}/foto/{before}/tarik"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(app.count("published_photos"), 0);
}

on_both_backends!(
    publishing_photos_and_the_proof_card,
    publishing_from_the_complaint_page,
    anonymous_and_confidential_complaints_stay_private
);
