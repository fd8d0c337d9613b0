//! The recap as it is shown, on both backends: the card and caption of a frozen recap and of
//! the fortnight's preview, the leader's decision (winners, publication — once, final), and
//! the public page of a published recap. What leaves the console: agencies and the named
//! winners, never another PIC's figures.

mod common;

use common::TestApp;
use serde_json::json;

const BASE: &str = "https://aduan.contoh.go.id";

fn filing(n: &str) -> serde_json::Value {
    json!({"source": {"platform": "instagram",
        "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/61{n}/"),
        "text": "Jalan berlubang di depan pasar"}, "category": "jalan"})
}

fn size_of(png: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(png).expect("a PNG");
    (img.width(), img.height())
}

async fn cards_decisions_and_the_public_page(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, opd_pic) = app
        .person(&admin, "pic.pupr", "pic", Some("dpupr"), None)
        .await;
    let (_, kec_pic) = app
        .person(
            &admin,
            "pic.jalancagak",
            "pic",
            Some("kec-jalancagak"),
            None,
        )
        .await;
    let (_, leader) = app.person(&admin, "pimpinan", "leader", None, None).await;
    let (_, planner) = app
        .person(&admin, "perencana", "planner", Some("bp4d"), None)
        .await;
    for (who, n) in [(&opd_pic, "01"), (&kec_pic, "02")] {
        let r = app.post("/api/v1/tickets", who, filing(n)).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }

    // The preview's card and caption.
    let r = app.get("/api/v1/recaps/preview/card.png", &leader).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.content_type(), "image/png");
    assert_eq!(size_of(&r.bytes), (1080, 1350));
    let r = app.get("/api/v1/recaps/preview/caption.txt", &leader).await;
    assert_eq!(r.status, 200);
    assert!(r.content_type().starts_with("text/plain"));
    assert!(
        r.text
            .starts_with("Rekap dua mingguan penanganan aduan media sosial"),
        "{}",
        r.text
    );
    assert!(
        !r.text.contains("Selamat kepada"),
        "no winners before a decision"
    );
    // Planners and PICs see no recap, as pictures neither.
    for who in [&planner, &opd_pic] {
        app.get("/api/v1/recaps/preview/card.png", who)
            .await
            .assert_problem(403, "forbidden");
    }

    let frozen = app.post("/api/v1/recaps", &leader, json!({})).await;
    assert_eq!(frozen.status, 201, "{}", frozen.text);
    let id = frozen.id();
    assert_eq!(frozen.body["decision"], serde_json::Value::Null);
    let caption = app
        .get(&format!("/api/v1/recaps/{id}/caption.txt"), &leader)
        .await;
    assert!(
        !caption.text.contains("Rincian lengkap"),
        "unpublished: no address"
    );
    // Not published yet: the public page does not know it.
    let public = app
        .send(actix_web::test::TestRequest::get().uri(&format!("/rekap/{id}")))
        .await;
    assert_eq!(public.status, 404, "{}", public.text);
    assert!(public.text.contains("tidak diterbitkan"));

    // A winner must be a PIC on that board; unknown fields are refused; nothing is stored.
    let decide = format!("/api/v1/recaps/{id}/decision");
    app.post(
        &decide,
        &leader,
        json!({"opd_winner": "pic.jalancagak", "publish": true}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(&decide, &leader, json!({"publish": true, "extra": 1}))
        .await
        .assert_problem(422, "validation_failed");
    app.post(&decide, &planner, json!({"publish": true}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(app.count("recap_decisions"), 0);

    let r = app
        .post(
            &decide,
            &leader,
            json!({"opd_winner": "pic.pupr", "kecamatan_winner": "pic.jalancagak", "publish": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["opd_winner"], "pic.pupr");
    assert_eq!(r.body["published"], true);
    assert_eq!(r.body["public_url"], format!("{BASE}/rekap/{id}"));
    // Final: a second decision is refused, and the database itself refuses a change.
    app.post(&decide, &leader, json!({"publish": false}))
        .await
        .assert_problem(409, "already_decided");
    {
        use diesel::RunQueryDsl;
        let mut conn = app.state.db.conn().expect("connection");
        let changed =
            diesel::sql_query("UPDATE recap_decisions SET published = FALSE").execute(&mut *conn);
        assert!(changed.is_err(), "decisions are immutable");
    }
    let got = app.get(&format!("/api/v1/recaps/{id}"), &leader).await;
    assert_eq!(got.body["decision"]["kecamatan_winner"], "pic.jalancagak");

    let caption = app
        .get(&format!("/api/v1/recaps/{id}/caption.txt"), &leader)
        .await;
    assert!(
        caption.text.contains(
            "Selamat kepada PIC terbaik perangkat daerah: Ibu pic.pupr — Dinas Pekerjaan Umum dan Penataan Ruang"
        ),
        "{}",
        caption.text
    );
    assert!(caption
        .text
        .contains("PIC terbaik kecamatan: Ibu pic.jalancagak"));
    assert!(caption
        .text
        .ends_with(&format!("Rincian lengkap: {BASE}/rekap/{id}\n")));
    let card = app
        .get(&format!("/api/v1/recaps/{id}/card.png"), &leader)
        .await;
    assert_eq!(card.status, 200);
    assert_eq!(size_of(&card.bytes), (1080, 1350));
    assert_eq!(
        card.headers.get("cache-control").unwrap(),
        "private, max-age=86400"
    );

    // The public page: agencies and winners, the card, Open Graph tags, no cookie.
    let public = app
        .send(actix_web::test::TestRequest::get().uri(&format!("/rekap/{id}")))
        .await;
    assert_eq!(public.status, 200, "{}", public.text);
    assert!(public.headers.get("set-cookie").is_none());
    assert_eq!(
        public.headers.get("cache-control").unwrap(),
        "public, max-age=60"
    );
    for words in [
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "PIC terbaik: <strong>Ibu pic.pupr (Dinas Pekerjaan Umum dan Penataan Ruang)</strong>",
        &format!("<meta property=\"og:image\" content=\"{BASE}/rekap/{id}/kartu.png\">"),
        &format!("<meta property=\"og:url\" content=\"{BASE}/rekap/{id}\">"),
    ] {
        assert!(public.text.contains(words), "{words} in {}", public.text);
    }
    // A PIC's own figures stay inside: no PIC line but the named winners.
    assert!(!public.text.contains("Patroli"), "{}", public.text);
    let card = app
        .send(actix_web::test::TestRequest::get().uri(&format!("/rekap/{id}/kartu.png")))
        .await;
    assert_eq!(card.status, 200);
    assert_eq!(size_of(&card.bytes), (1080, 1350));
    // Any other id, or no id at all, is simply not there.
    for path in [
        "/rekap/0193a0b2-7c1d-7e55-9f00-1234567890ab".to_string(),
        "/rekap/bukan-id".to_string(),
        "/rekap/bukan-id/kartu.png".to_string(),
    ] {
        let r = app
            .send(actix_web::test::TestRequest::get().uri(&path))
            .await;
        assert_eq!(r.status, 404, "{path}");
    }
}

async fn with_public_url(kind: common::Kind) -> TestApp {
    TestApp::with(kind, &[("ADUAN_PUBLIC_URL", BASE)]).await
}

mod sqlite {
    #[actix_web::test]
    async fn cards_decisions_and_the_public_page() {
        let app = super::with_public_url(crate::common::Kind::Sqlite).await;
        super::cards_decisions_and_the_public_page(app).await
    }
}

mod postgres {
    #[actix_web::test]
    #[cfg_attr(
        not(aduan_pg_tests),
        ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)"
    )]
    async fn cards_decisions_and_the_public_page() {
        let app = super::with_public_url(crate::common::Kind::Postgres).await;
        super::cards_decisions_and_the_public_page(app).await
    }
}
