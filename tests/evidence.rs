//! Evidence on both backends: photos filed with a complaint and taken on a field visit, through
//! the console's forms (multipart, as a phone's browser sends them) and through the API — each
//! shown in the complaint's gallery with its preview and what EXIF says, readable only by who
//! sees the complaint, kept by the orphan sweep while a complaint uses it.

mod common;

use common::console::{hidden, location, Visitor};
use common::{TestApp, PASSWORD};
use serde_json::json;

const PHOTO: &[u8] = include_bytes!("fixtures/visit-gps.jpg");
const SCREENSHOT: &[u8] = include_bytes!("fixtures/plain.png");
const DOCUMENT: &[u8] = include_bytes!("fixtures/berita-acara.pdf");
const PROGRAM: &[u8] = include_bytes!("fixtures/disguised.jpg");

/// The caption of `visit-gps.jpg` (EXIF 2025-07-08 09:15 local time, Jalancagak).
const PHOTO_CAPTION: &str = "Diambil Selasa, 8 Juli 2025, 09.15 WIB · -6.65830, 107.67720";

async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Visitor<'a> {
    let mut v = Visitor::new(app);
    assert_eq!(v.sign_in(username, PASSWORD).await.status, 303);
    v
}

/// Every `/app/berkas/…` address on the page, in order.
fn file_links(html: &str, suffix: &str) -> Vec<String> {
    html.match_indices("\"/app/berkas/")
        .map(|(i, _)| html[i + 1..].split('"').next().unwrap().to_string())
        .filter(|l| l.ends_with(suffix))
        .collect()
}

fn filing<'a>(csrf: &'a str, comment: &'a str, text: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("tautan", comment),
        ("isi", text),
        ("pengirim", "warga_jalancagak"),
        ("kategori", "jalan"),
        ("wilayah", "jalancagak"),
    ]
}

async fn filing_with_photos(app: TestApp) {
    let admin = app.admin_token().await;
    app.person(&admin, "pic.a", "pic", Some("dpupr"), None)
        .await;
    app.person(&admin, "pic.b", "pic", Some("dinkes"), None)
        .await;
    let mut pic = signed_in(&app, "pic.a").await;
    let csrf = pic.csrf("/app/aduan/baru").await;
    let link = "https://www.instagram.com/p/DLq3abcXYZ1/c/3101/";
    let r = pic
        .post_with_files(
            "/app/aduan/baru",
            &filing(&csrf, link, "Jalan amblas dekat SD, lihat fotonya"),
            &[("jalan.jpg", PHOTO), ("layar.png", SCREENSHOT)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = pic.get(location(&r)).await;
    assert!(page.text.contains("Aduan tercatat"), "{}", page.text);
    assert!(page.text.contains("Saat diadukan"));
    assert!(page.text.contains("alt=\"jalan.jpg\""), "{}", page.text);
    assert!(page.text.contains(PHOTO_CAPTION), "{}", page.text);
    assert!(page.text.contains("Tanpa waktu dan lokasi pengambilan"));

    // Each photo has a small JPEG preview; the original is the bytes sent.
    let previews = file_links(&page.text, "/kecil");
    assert_eq!(previews.len(), 2, "{}", page.text);
    let small = pic.get(&previews[0]).await;
    assert_eq!(small.status, 200);
    assert_eq!(small.content_type(), "image/jpeg");
    assert_eq!(&small.bytes[..3], &[0xFF, 0xD8, 0xFF]);
    let original = previews[0].trim_end_matches("/kecil").to_string();
    let whole = pic.get(&original).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.bytes, PHOTO);

    // Another agency's PIC sees neither the complaint nor its files.
    let mut other = signed_in(&app, "pic.b").await;
    assert_eq!(other.get(&previews[0]).await.status, 404);
    assert_eq!(other.get(&original).await.status, 404);
    assert_eq!(other.get("/app/berkas/bukan-id/kecil").await.status, 404);

    // The API shows the same files on the ticket.
    let found = app
        .get(
            "/api/v1/tickets?q=amblas",
            &app.token("pic.a", PASSWORD).await,
        )
        .await;
    let files = &found.body["items"][0]["attachments"];
    assert_eq!(files.as_array().map(Vec::len), Some(2), "{}", found.text);
    assert_eq!(files[0]["filename"], "jalan.jpg");
    assert_eq!(files[0]["has_preview"], true);

    // Filing without a photo (the input left empty) files no file.
    let before = app.count("attachments");
    let r = pic
        .post_with_files(
            "/app/aduan/baru",
            &filing(
                &csrf,
                "https://www.instagram.com/p/DLq3abcXYZ1/c/3102/",
                "Lampu mati",
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(app.count("attachments"), before);
    assert!(!pic.get(location(&r)).await.text.contains("Saat diadukan"));
}

async fn refused_forms_keep_their_photos(app: TestApp) {
    let admin = app.admin_token().await;
    app.person(&admin, "pic.a", "pic", Some("dpupr"), None)
        .await;
    let mut pic = signed_in(&app, "pic.a").await;
    let csrf = pic.csrf("/app/aduan/baru").await;
    let link = "https://www.instagram.com/p/DLq3abcXYZ1/c/3201/";
    let tickets = app.count("tickets");

    // A form from another session stores nothing, not even its photo.
    let r = pic
        .post_with_files(
            "/app/aduan/baru",
            &filing("not-the-token", link, "Jalan rusak"),
            &[("jalan.jpg", PHOTO)],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.count("attachments"), 0);

    // A file that is not a photo is refused in words; nothing is filed.
    let r = pic
        .post_with_files(
            "/app/aduan/baru",
            &filing(&csrf, link, "Jalan rusak"),
            &[("jalan.jpg", PROGRAM)],
        )
        .await;
    assert_eq!(r.status, 415, "{}", r.text);
    assert!(r.text.contains("bukan foto atau dokumen"), "{}", r.text);
    assert!(r.text.contains("Jalan rusak"), "the form keeps its text");
    assert_eq!(app.count("tickets"), tickets);

    // A refused filing keeps the photo it brought; the next try files it without sending it
    // again.
    let r = pic
        .post_with_files(
            "/app/aduan/baru",
            &filing(&csrf, link, "   "),
            &[("jalan.jpg", PHOTO)],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Isi komentar tidak valid."), "{}", r.text);
    assert!(r.text.contains("1 berkas sudah diterima"), "{}", r.text);
    let kept = hidden(&r.text, "berkas").expect("the photo's id kept in the form");
    assert_eq!(app.count("tickets"), tickets);
    let mut again = filing(&csrf, link, "Jalan rusak parah");
    again.push(("berkas", &kept));
    let r = pic.post_with_files("/app/aduan/baru", &again, &[]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = pic.get(location(&r)).await;
    assert!(page.text.contains(&format!("/app/berkas/{kept}/kecil")));
    assert_eq!(app.count("attachments"), 1);

    // Someone else's upload cannot be attached by naming it.
    let mut thief = filing(
        &csrf,
        "https://www.instagram.com/p/DLq3abcXYZ1/c/3202/",
        "x",
    );
    let admin_file = app.upload(&admin, "a.jpg", PHOTO).await.id();
    thief.push(("berkas", &admin_file));
    let r = pic.post_with_files("/app/aduan/baru", &thief, &[]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Foto tidak valid."), "{}", r.text);
}

/// A complaint of Dinas PUPR in progress with Bidang Bina Marga: its code.
async fn in_progress(app: &TestApp, admin: &str) -> (String, String) {
    let common::console::Crew {
        pic,
        koord,
        kadis,
        kabid,
    } = app.crew(admin).await;
    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            json!({"source": {"platform": "instagram",
                "comment_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/3301/",
                "text": "Jalan berlubang di depan pasar"}, "category": "jalan"}),
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
    (id, code)
}

async fn field_visit_with_photos(app: TestApp) {
    let admin = app.admin_token().await;
    let (id, code) = in_progress(&app, &admin).await;
    let page_path = format!("/app/aduan/{code}");
    let mut kabid = signed_in(&app, "kabid.a").await;
    let page = kabid.get(&page_path).await;
    assert!(
        page.text.contains("Catat kunjungan lapangan"),
        "{}",
        page.text
    );
    let csrf = hidden(&page.text, "csrf").unwrap();
    let version = hidden(&page.text, "versi").unwrap();
    let visit = format!("{page_path}/visit");

    // Blank notes: refused in words, the photo kept for the next try.
    let r = kabid
        .post_with_files(
            &visit,
            &[
                ("csrf", &csrf),
                ("versi", &version),
                ("waktu", "2025-07-08T10:00"),
            ],
            &[("sesudah.jpg", PHOTO)],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.text
            .contains("Temuan dan tindakan di lapangan tidak valid."),
        "{}",
        r.text
    );
    assert!(r.text.contains("1 foto sudah diterima"), "{}", r.text);
    let kept = hidden(&r.text, "berkas").unwrap();

    let r = kabid
        .post_with_files(
            &visit,
            &[
                ("csrf", &csrf),
                ("versi", &version),
                ("waktu", "2025-07-08T10:00"),
                ("catatan", "Lubang 3 titik sudah ditambal"),
                ("lat", "-6.6583"),
                ("long", "107.6772"),
                ("berkas", &kept),
            ],
            &[("berita-acara.pdf", DOCUMENT)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = kabid.get(location(&r)).await;
    for words in [
        "Kunjungan lapangan sudah dicatat.",
        "Kunjungan lapangan, Selasa, 8 Juli 2025, 10.00 WIB",
        "Lubang 3 titik sudah ditambal",
        "Lokasi kunjungan: -6.65830, 107.67720",
        PHOTO_CAPTION,
        "berita-acara.pdf",
        "kabid.a mencatat kunjungan lapangan",
    ] {
        assert!(page.text.contains(words), "{words} in {}", page.text);
    }
    // The photo has a preview; the PDF opens whole.
    assert_eq!(file_links(&page.text, "/kecil").len(), 1);
    assert_eq!(file_links(&page.text, "").len(), 3, "{}", page.text);

    // A form from before the visit changes nothing and says so.
    let r = kabid
        .post_with_files(
            &visit,
            &[
                ("csrf", &csrf),
                ("versi", &version),
                ("catatan", "Kunjungan kedua"),
            ],
            &[],
        )
        .await;
    assert!(
        r.status == 409 || r.status == 412,
        "{}: {}",
        r.status,
        r.text
    );

    let r = app
        .get(
            &format!("/api/v1/tickets/{id}/field-visits"),
            &app.token("kabid.a", PASSWORD).await,
        )
        .await;
    let files = &r.body["items"][0]["attachments"];
    assert_eq!(files[0]["has_preview"], true, "{}", r.text);
    assert_eq!(files[1]["content_type"], "application/pdf");
    assert_eq!(files[1]["has_preview"], false);
}

async fn api_filing_with_files_and_previews(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "dpupr", None).await;
    let (_, other) = app.user_in(&admin, "pic", "dinkes", None).await;
    let photo = app.upload(&pic, "jalan.jpg", PHOTO).await;
    assert_eq!(photo.status, 201, "{}", photo.text);
    assert_eq!(photo.body["has_preview"], true);
    let pdf = app.upload(&pic, "ba.pdf", DOCUMENT).await;
    assert_eq!(pdf.body["has_preview"], false);
    let theirs = app.upload(&other, "x.jpg", SCREENSHOT).await.id();
    let ticket = |files: serde_json::Value, n: &str| {
        json!({"source": {"platform": "instagram",
            "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/34{n}/"),
            "text": "Jalan rusak"}, "attachment_ids": files})
    };

    let r = app
        .post("/api/v1/tickets", &pic, ticket(json!([theirs]), "01"))
        .await;
    r.assert_problem(422, "validation_failed");
    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            ticket(json!([photo.id(), photo.id()]), "02"),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(app.count("tickets"), 0, "a refused filing writes nothing");

    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            ticket(json!([photo.id(), pdf.id()]), "03"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["attachments"][0]["id"], photo.id());
    assert_eq!(r.body["attachments"][1]["id"], pdf.id());
    assert_eq!(r.body["attachments"][0]["taken_at"], "2025-07-08T02:15:00Z");

    let preview = app
        .get(&format!("/api/v1/attachments/{}/preview", photo.id()), &pic)
        .await;
    assert_eq!(preview.status, 200);
    assert_eq!(preview.content_type(), "image/jpeg");
    app.get(&format!("/api/v1/attachments/{}/preview", pdf.id()), &pic)
        .await
        .assert_problem(404, "not_found");
    app.get(
        &format!("/api/v1/attachments/{}/preview", photo.id()),
        &other,
    )
    .await
    .assert_problem(404, "not_found");

    // The sweep keeps what a complaint uses, preview included, and removes the rest.
    let swept = aduan::service::uploads::sweep(&app.state, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(swept.attachments, 1, "the other PIC's unused upload");
    let preview = app
        .get(&format!("/api/v1/attachments/{}/preview", photo.id()), &pic)
        .await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    app.get(&format!("/api/v1/attachments/{theirs}"), &other)
        .await
        .assert_problem(404, "not_found");
}

on_both_backends!(
    filing_with_photos,
    refused_forms_keep_their_photos,
    field_visit_with_photos,
    api_filing_with_files_and_previews,
);
