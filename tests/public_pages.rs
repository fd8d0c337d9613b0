//! The public tracking page `/lacak/{code}` on both backends: exactly the public status's
//! privacy rules (masked personal data, nothing of an anonymous complainant's words, confidential
//! complaints not found), no cookies, cacheable, limited per client address, with Open Graph tags.

mod common;

use std::net::SocketAddr;

use actix_web::http::header;
use actix_web::test::TestRequest;
use common::{Kind, TestApp};
use serde_json::json;

fn filing(n: &str, text: &str, anonymous: bool, confidential: bool) -> serde_json::Value {
    json!({
        "source": {
            "platform": "instagram",
            "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/50{n}/"),
            "author": "warga_jalancagak",
            "text": text
        },
        "category": "jalan",
        "anonymous": anonymous,
        "confidential": confidential
    })
}

async fn public_get(app: &TestApp, path: &str) -> common::Resp {
    app.send(TestRequest::get().uri(path)).await
}

async fn tracking_page_keeps_the_public_rules(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "dpupr", None).await;
    let text = "Jalan amblas, hubungi saya 0812-3456-7890, NIK 3213012345670001";
    let r = app
        .post("/api/v1/tickets", &pic, filing("01", text, false, false))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.body["code"].as_str().unwrap().to_string();

    let page = public_get(&app, &format!("/lacak/{}", code.to_lowercase())).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.content_type().starts_with("text/html"));
    assert_eq!(
        page.headers.get(header::CACHE_CONTROL).unwrap(),
        "public, max-age=60"
    );
    assert!(page.headers.get(header::SET_COOKIE).is_none());
    for words in [
        code.as_str(),
        "Status: Baru",
        "Jalan rusak",
        "hubungi saya",
        "<meta property=\"og:title\" content=\"Aduan ",
    ] {
        assert!(page.text.contains(words), "{words} in {}", page.text);
    }
    for secret in ["3456", "3213012345670001", "warga_jalancagak", "og:url"] {
        assert!(!page.text.contains(secret), "{secret} shown: {}", page.text);
    }

    // An anonymous complaint shows its category, never the complainant's words.
    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            filing("02", "Rumah saya di gang buntu kebanjiran", true, false),
        )
        .await;
    let anonymous = r.body["code"].as_str().unwrap().to_string();
    let page = public_get(&app, &format!("/lacak/{anonymous}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(!page.text.contains("gang buntu"), "{}", page.text);
    assert!(page
        .text
        .contains("content=\"Aduan warga tentang Jalan rusak\""));

    // A confidential complaint is not found, as an unknown code is.
    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            filing("03", "Laporan pungli di kantor desa", false, true),
        )
        .await;
    let hidden = r.body["code"].as_str().unwrap().to_string();
    for path in [
        format!("/lacak/{hidden}"),
        "/lacak/SBG-99-999999".to_string(),
    ] {
        let page = public_get(&app, &path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(
            page.text.contains("Kode lacak itu tidak ditemukan"),
            "{}",
            page.text
        );
        assert!(!page.text.contains("pungli"));
    }

    // The search form leads to the page.
    let form = public_get(&app, "/lacak").await;
    assert!(form.text.contains("<label for=\"kode\">Kode lacak</label>"));
    let r = public_get(&app, &format!("/lacak?kode=+{}+", code.to_lowercase())).await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap().to_str().unwrap(),
        format!("/lacak/{code}")
    );
}

/// With `ADUAN_PUBLIC_URL` the page names its own address for link previews; past the
/// allowance of an address, a 429 page in words with Retry-After.
#[actix_web::test]
async fn shared_links_and_the_allowance() {
    let app = TestApp::with(
        Kind::Sqlite,
        &[
            ("ADUAN_PUBLIC_URL", "https://aduan.subang.go.id/"),
            ("ADUAN_PUBLIC_READS_PER_MINUTE", "3"),
        ],
    )
    .await;
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "dpupr", None).await;
    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            filing("04", "Lampu jalan mati", false, false),
        )
        .await;
    let code = r.body["code"].as_str().unwrap().to_string();
    let from: SocketAddr = "203.0.113.7:40000".parse().unwrap();
    let get = || {
        TestRequest::get()
            .uri(&format!("/lacak/{code}"))
            .peer_addr(from)
    };
    let page = app.send(get()).await;
    assert!(
        page.text.contains(&format!(
            "<meta property=\"og:url\" content=\"https://aduan.subang.go.id/lacak/{code}\">"
        )),
        "{}",
        page.text
    );
    app.send(get()).await;
    app.send(get()).await;
    let refused = app.send(get()).await;
    assert_eq!(refused.status, 429);
    assert!(refused.headers.get(header::RETRY_AFTER).is_some());
    assert!(
        refused.text.contains("Terlalu banyak percobaan"),
        "{}",
        refused.text
    );
}

on_both_backends!(tracking_page_keeps_the_public_rules);
