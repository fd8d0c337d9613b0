//! The console's frame over the real application, on SQLite and PostgreSQL: signing in and out
//! with a safe cookie, CSRF refusals, sessions ended by sign-out, a password change and
//! deactivation, throttled sign-in, and each role's "Perlu tindakan" holding exactly its work.

mod common;

use actix_web::http::header;
use common::console::{hidden, location, set_cookie, Visitor};
use common::{TestApp, PASSWORD};
use serde_json::{json, Value};

fn comment(id: &str, title: &str) -> Value {
    json!({
        "source": {
            "platform": "instagram",
            "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/{id}/"),
            "account": "kangrey.subang",
            "author": "warga_jalancagak",
            "text": "Pak, jalan di Desa Curugrendeng rusak parah, mohon diperbaiki."
        },
        "title": title,
        "category": "jalan",
        "region": "jalancagak"
    })
}

async fn sign_in_and_out(app: TestApp) {
    let admin = app.admin_token().await;
    app.person(&admin, "siti", "pic", Some("dpupr"), None).await;
    let mut v = Visitor::new(&app);

    // Without a session every page leads to the sign-in form, which comes back here after.
    let r = v.get("/").await;
    assert_eq!(r.status, 307, "{}", r.text);
    assert_eq!(location(&r), "/app/");
    let r = v.get("/app/").await;
    assert_eq!(r.status, 303);
    assert_eq!(location(&r), "/app/masuk?lanjut=%2Fapp%2F");

    let form = v.get("/app/masuk?lanjut=%2Fapp%2F").await;
    assert_eq!(form.status, 200);
    assert!(form.content_type().starts_with("text/html"));
    for words in [
        "<label for=\"username\">Nama pengguna</label>",
        "<label for=\"password\">Kata sandi</label>",
        ">Masuk</button>",
        "lang=\"id\"",
    ] {
        assert!(form.text.contains(words), "{words} in {}", form.text);
    }
    let pre = set_cookie(&form, "aduan_masuk").expect("the form's cookie");
    assert!(pre.contains("HttpOnly") && pre.contains("SameSite=Lax") && pre.contains("Path=/app"));
    assert!(!pre.contains("Secure"), "plain http by default: {pre}");
    let policy = form.headers.get(header::CONTENT_SECURITY_POLICY).unwrap();
    assert!(policy.to_str().unwrap().contains("script-src 'self'"));
    assert_eq!(form.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");

    // A wrong password: the form again, in Indonesian, with the name kept; no session.
    let r = v.sign_in("siti", "not her password").await;
    assert_eq!(r.status, 401, "{}", r.text);
    assert!(
        r.text.contains("Nama pengguna atau kata sandi salah."),
        "{}",
        r.text
    );
    assert!(r.text.contains("value=\"siti\""));
    assert!(set_cookie(&r, "aduan_sesi").is_none());

    let r = v.sign_in("siti", PASSWORD).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(location(&r), "/app/");
    let session = set_cookie(&r, "aduan_sesi").expect("a session").to_string();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    assert!(session.contains("Path=/app"));
    let home = v.get("/app/").await;
    assert_eq!(home.status, 200, "{}", home.text);
    assert!(home.text.contains("<h1>Perlu tindakan</h1>"));
    assert!(home.text.contains("Ibu siti · PIC media sosial"));
    assert!(
        home.text.contains("Aduan baru"),
        "a PIC's menu files complaints"
    );
    assert!(!home.text.contains("Pengguna</a>"), "and manages no users");

    // Signing out ends this session at once, even for a copy of its cookie.
    let copy = v.cookies.clone();
    let csrf = hidden(&home.text, "csrf").unwrap();
    let r = v.post("/app/keluar", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 303);
    assert_eq!(location(&r), "/app/masuk?keluar=1");
    assert!(set_cookie(&r, "aduan_sesi").unwrap().contains("Max-Age=0"));
    let mut thief = Visitor::new(&app);
    thief.cookies = copy;
    let r = thief.get("/app/").await;
    assert_eq!(r.status, 303, "the old cookie no longer works");
    assert!(location(&r).starts_with("/app/masuk"));
}

async fn forms_need_their_token(app: TestApp) {
    let admin = app.admin_token().await;
    app.person(&admin, "dadang", "coordinator", Some("diskominfo"), None)
        .await;
    let mut v = Visitor::new(&app);

    // Sign-in without the form's cookie (a form posted from elsewhere): refused, no session.
    let r = v
        .post(
            "/app/masuk",
            &[
                ("csrf", "x"),
                ("username", "dadang"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.text.contains("Formulir kedaluwarsa"), "{}", r.text);
    assert!(set_cookie(&r, "aduan_sesi").is_none());

    assert_eq!(v.sign_in("dadang", PASSWORD).await.status, 303);
    let csrf = v.csrf("/app/").await;
    for wrong in ["", "abc", &csrf[1..]] {
        let r = v.post("/app/keluar", &[("csrf", wrong)]).await;
        assert_eq!(r.status, 403, "{}", r.text);
        assert!(r.text.contains("Muat ulang halaman"), "{}", r.text);
    }
    assert_eq!(v.get("/app/").await.status, 200, "still signed in");
    // Another session's token does not do either.
    let mut other = Visitor::new(&app);
    assert_eq!(other.sign_in("dadang", PASSWORD).await.status, 303);
    let theirs = other.csrf("/app/").await;
    assert_ne!(theirs, csrf);
    let r = v.post("/app/keluar", &[("csrf", &theirs)]).await;
    assert_eq!(r.status, 403);
}

async fn password_change_and_deactivation_end_sessions(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, token) = app
        .person(&admin, "asep", "agency_head", Some("dpupr"), None)
        .await;
    let (id, _) = app
        .person(
            &admin,
            "ujang",
            "division_head",
            None,
            Some(("dpupr", "dpupr.bina-marga")),
        )
        .await;
    let mut asep = Visitor::new(&app);
    let mut ujang = Visitor::new(&app);
    assert_eq!(asep.sign_in("asep", PASSWORD).await.status, 303);
    assert_eq!(ujang.sign_in("ujang", PASSWORD).await.status, 303);
    assert_eq!(asep.get("/app/").await.status, 200);

    let r = app
        .post(
            "/api/v1/me/password",
            &token,
            json!({"current_password": PASSWORD, "new_password": "another long one"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = asep.get("/app/").await;
    assert_eq!(r.status, 303, "a password change ends the session");

    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({"active": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ujang.get("/app/").await.status, 303, "so does deactivation");
    let r = ujang.sign_in("ujang", PASSWORD).await;
    assert_eq!(r.status, 401);
    assert!(r.text.contains("sudah dinonaktifkan"), "{}", r.text);
}

async fn each_role_sees_its_work(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app
        .person(&admin, "pic.pupr", "pic", Some("dpupr"), None)
        .await;
    app.person(&admin, "pic.dinkes", "pic", Some("dinkes"), None)
        .await;
    let (_, coord) = app
        .person(&admin, "koord", "coordinator", Some("diskominfo"), None)
        .await;
    let (_, head) = app
        .person(&admin, "kadis.pupr", "agency_head", Some("dpupr"), None)
        .await;
    app.person(&admin, "kadis.dinkes", "agency_head", Some("dinkes"), None)
        .await;
    app.person(
        &admin,
        "kabid",
        "division_head",
        None,
        Some(("dpupr", "dpupr.bina-marga")),
    )
    .await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let bina_marga = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;

    let r = app
        .post("/api/v1/tickets", &pic, comment("1801", "Jalan berlubang"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (id, code) = (r.id(), r.body["code"].as_str().unwrap().to_string());
    let inbox = |who: &'static str| {
        let app = &app;
        async move {
            let mut v = Visitor::new(app);
            assert_eq!(v.sign_in(who, PASSWORD).await.status, 303, "{who}");
            let r = v.get("/app/").await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.text
        }
    };
    let pic_page = inbox("pic.pupr").await;
    assert!(
        pic_page.contains(&code) && pic_page.contains("Perlu balasan publik"),
        "{pic_page}"
    );
    assert!(
        pic_page.contains("sisa "),
        "the reply clock's badge: {pic_page}"
    );
    assert!(
        pic_page.contains(" WIB"),
        "its due time in the jurisdiction's zone"
    );
    let coord_page = inbox("koord").await;
    assert!(coord_page.contains(&code) && coord_page.contains("Verifikasi dan disposisikan"));
    // The coordinator's badge is the verification deadline (working days), not the reply's.
    assert!(coord_page.contains(" hari</span>"), "{coord_page}");
    for nobody in ["pic.dinkes", "kadis.pupr", "kadis.dinkes", "kabid"] {
        let page = inbox(nobody).await;
        assert!(
            !page.contains(&code),
            "{nobody} has nothing to do with it yet"
        );
        assert!(page.contains("Tidak ada yang perlu ditindaklanjuti sekarang."));
    }

    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/route"),
            &coord,
            json!({"agency_id": dpupr}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        !inbox("koord").await.contains(&code),
        "routed: off the coordinator's list"
    );
    let head_page = inbox("kadis.pupr").await;
    assert!(head_page.contains(&code) && head_page.contains("Tugaskan ke bidang"));
    assert!(
        !inbox("kadis.dinkes").await.contains(&code),
        "another agency's head never"
    );

    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/assign"),
            &head,
            json!({"division_id": bina_marga}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let kabid = inbox("kabid").await;
    assert!(
        kabid.contains(&code) && kabid.contains("Mulai kerjakan"),
        "{kabid}"
    );
    assert!(!inbox("kadis.pupr").await.contains(&code));
    // The PIC answered in public: no longer waiting for its reply.
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/replies"),
            &pic,
            json!({"reply_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/1802/"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(!inbox("pic.pupr").await.contains(&code));
}

async fn sign_in_is_throttled_here_too(app: TestApp) {
    let admin = app.admin_token().await;
    app.person(&admin, "nining", "pic", Some("dpupr"), None)
        .await;
    let mut v = Visitor::new(&app);
    for _ in 0..5 {
        assert_eq!(v.sign_in("nining", "wrong wrong").await.status, 401);
    }
    let r = v.sign_in("nining", PASSWORD).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(
        r.text.contains("Terlalu banyak percobaan. Coba lagi dalam"),
        "{}",
        r.text
    );
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    assert!(set_cookie(&r, "aduan_sesi").is_none());
}

/// Sends the action form `action` of the complaint page `page` (its token and version) with
/// `fields`.
async fn act(
    v: &mut Visitor<'_>,
    code: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> common::Resp {
    let page = v.get(&format!("/app/aduan/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let target = format!("action=\"/app/aduan/{code}/{action}\"");
    assert!(
        page.text.contains(&target),
        "no {action} form: {}",
        page.text
    );
    let csrf = hidden(&page.text, "csrf").unwrap();
    let version = hidden(&page.text, "versi").unwrap();
    let mut form = vec![("csrf", csrf.as_str()), ("versi", version.as_str())];
    form.extend_from_slice(fields);
    v.post(&format!("/app/aduan/{code}/{action}"), &form).await
}

/// The value of the option named `name` in the page's selects.
fn option(html: &str, name: &str) -> String {
    let end = html.find(&format!("\">{name}</option>")).expect(name);
    let start = html[..end].rfind("value=\"").unwrap() + 7;
    html[start..end].to_string()
}

async fn the_story_by_clicking(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app
        .person(&admin, "pic.a", "pic", Some("dpupr"), None)
        .await;
    app.person(&admin, "pic.b", "pic", Some("dinkes"), None)
        .await;
    app.person(&admin, "koord.a", "coordinator", Some("diskominfo"), None)
        .await;
    app.person(&admin, "kadis.a", "agency_head", Some("dpupr"), None)
        .await;
    app.person(&admin, "kadis.b", "agency_head", Some("dinkes"), None)
        .await;
    app.person(
        &admin,
        "kabid.a",
        "division_head",
        None,
        Some(("dpupr", "dpupr.bina-marga")),
    )
    .await;
    let r = app
        .post("/api/v1/tickets", &pic, comment("1901", "Jalan amblas"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.body["code"].as_str().unwrap().to_string();
    let page_of = |code: &str| format!("/app/aduan/{code}");
    let visitor = |who: &'static str| {
        let app = &app;
        async move {
            let mut v = Visitor::new(app);
            assert_eq!(v.sign_in(who, PASSWORD).await.status, 303);
            v
        }
    };

    let mut pic_b = visitor("pic.b").await;
    let r = pic_b.get(&page_of(&code)).await;
    assert_eq!(r.status, 404, "another agency's PIC sees nothing of it");
    assert!(r.text.contains("Yang Anda cari tidak ada"), "{}", r.text);
    assert!(!r.text.contains("Jalan amblas"));

    // The coordinator routes it to the wrong agency first; that agency returns it.
    let mut koord = visitor("koord.a").await;
    let page = koord.get(&page_of(&code)).await;
    assert!(page.text.contains("Status: Baru"), "{}", page.text);
    assert!(page.text.contains("Balasan pertama") && page.text.contains("sisa "));
    let dinkes = option(&page.text, "Dinas Kesehatan");
    let r = act(&mut koord, &code, "route", &[("agency_id", &dinkes)]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let r = koord.get(common::console::location(&r)).await;
    assert!(r.text.contains("Aduan sudah didisposisikan."), "{}", r.text);
    let mut kadis_b = visitor("kadis.b").await;
    let r = act(
        &mut kadis_b,
        &code,
        "return",
        &[("reason", "bukan kewenangan")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let dpupr = option(
        &koord.get(&page_of(&code)).await.text,
        "Dinas Pekerjaan Umum dan Penataan Ruang",
    );
    assert_eq!(
        act(&mut koord, &code, "route", &[("agency_id", &dpupr)])
            .await
            .status,
        303
    );

    // A form sent from a page that is out of date changes nothing and says so.
    let stale = koord.get(&page_of(&code)).await;
    let mut kadis = visitor("kadis.a").await;
    let page = kadis.get(&page_of(&code)).await;
    let bina_marga = option(&page.text, "Bidang Bina Marga");
    assert_eq!(
        act(&mut kadis, &code, "assign", &[("division_id", &bina_marga)])
            .await
            .status,
        303
    );
    let r = koord
        .post(
            &format!("/app/aduan/{code}/reject"),
            &[
                ("csrf", &hidden(&stale.text, "csrf").unwrap()),
                ("versi", &hidden(&stale.text, "versi").unwrap()),
                ("reason", "spam"),
            ],
        )
        .await;
    assert!(
        r.status == 409 || r.status == 412,
        "{}: {}",
        r.status,
        r.text
    );
    assert!(
        r.text.contains("Status: Ditugaskan ke bidang"),
        "the new state: {}",
        r.text
    );
    assert!(r.text.contains("role=\"alert\""));

    let mut kabid = visitor("kabid.a").await;
    assert_eq!(act(&mut kabid, &code, "start", &[]).await.status, 303);
    // Resolving without a visit needs a reason: the rule's message, in Indonesian.
    let r = act(
        &mut kabid,
        &code,
        "resolve",
        &[("summary", "Sudah ditambal")],
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("tidak valid"), "{}", r.text);
    let r = act(
        &mut kabid,
        &code,
        "resolve",
        &[
            ("summary", "Sudah ditambal"),
            ("no_visit_reason", "dikerjakan rekanan"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);

    let mut pic_a = visitor("pic.a").await;
    let url = "https://www.instagram.com/p/DLq3abcXYZ1/c/1902/";
    assert_eq!(
        act(&mut pic_a, &code, "close", &[("reply_url", url)])
            .await
            .status,
        303
    );
    let page = pic_a.get(&page_of(&code)).await;
    assert!(page.text.contains("Status: Ditutup"), "{}", page.text);
    for line in [
        "pic.a mencatat aduan",
        "Ibu koord.a mendisposisikan ke Dinas Kesehatan",
        "Dinas Kesehatan mengembalikan: bukan kewenangan",
        "koord.a mendisposisikan ke Dinas Pekerjaan Umum dan Penataan Ruang",
        "kadis.a menugaskan ke Bidang Bina Marga",
        "Ibu kabid.a mulai mengerjakan",
        "kabid.a menyelesaikan: Sudah ditambal",
        "pic.a menutup dengan tautan balasan",
    ] {
        assert!(page.text.contains(line), "{line} in {}", page.text);
    }
    assert!(page.text.contains(" WIB"));
}

async fn lists_search_and_page(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app
        .person(&admin, "pic.l", "pic", Some("dpupr"), None)
        .await;
    let (_, other) = app
        .person(&admin, "pic.m", "pic", Some("dinkes"), None)
        .await;
    for n in 0..26 {
        let title = if n == 7 {
            "Jembatan amblas".to_string()
        } else {
            format!("Jalan rusak {n}")
        };
        let r = app
            .post(
                "/api/v1/tickets",
                &pic,
                comment(&format!("20{n:02}"), &title),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = app
        .post(
            "/api/v1/tickets",
            &other,
            comment("2100", "Puskesmas tutup"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let mut v = Visitor::new(&app);
    assert_eq!(v.sign_in("pic.l", PASSWORD).await.status, 303);
    let first = v.get("/app/aduan").await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert!(first.text.contains("<label for=\"q\">Cari</label>"));
    assert_eq!(
        first.text.matches("class=\"code\"").count(),
        25,
        "a page of 25"
    );
    assert!(first.text.contains("Jalan rusak 25"), "newest first");
    assert!(
        !first.text.contains("Puskesmas tutup"),
        "another agency's complaint never"
    );
    let next = first
        .text
        .split("href=\"")
        .find_map(|s| s.split('"').next().filter(|h| h.contains("setelah=")))
        .expect("a next page")
        .replace("&#38;", "&");
    let second = v.get(&next).await;
    assert_eq!(
        second.text.matches("class=\"code\"").count(),
        1,
        "{}",
        second.text
    );
    assert!(second.text.contains("Jalan rusak 0"));

    let found = v.get("/app/aduan?q=amblas").await;
    assert_eq!(
        found.text.matches("class=\"code\"").count(),
        1,
        "{}",
        found.text
    );
    assert!(found.text.contains("Jembatan amblas"));
    let none = v.get("/app/aduan?status=closed").await;
    assert!(none.text.contains("Tidak ada aduan yang cocok."));
    let urgent = v.get("/app/aduan?urut=mendesak&status=new").await;
    assert_eq!(urgent.text.matches("class=\"code\"").count(), 25);
    let bad = v.get("/app/aduan?status=nonsense").await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert!(bad.text.contains("Status tidak valid."), "{}", bad.text);
}

async fn filing_from_a_comment(app: TestApp) {
    let admin = app.admin_token().await;
    app.person(&admin, "pic.f", "pic", Some("dpupr"), None)
        .await;
    app.person(&admin, "pic.g", "pic", Some("dinkes"), None)
        .await;
    let mut v = Visitor::new(&app);
    assert_eq!(v.sign_in("pic.f", PASSWORD).await.status, 303);
    let form = v.get("/app/aduan/baru").await;
    assert_eq!(form.status, 200, "{}", form.text);
    for label in [
        ">Tautan komentar</label>",
        ">Isi komentar</label>",
        ">Akun pengirim</label>",
    ] {
        assert!(form.text.contains(label), "{label}");
    }
    assert!(
        form.text.contains("Jalan rusak → Dinas Pekerjaan Umum"),
        "the category names its agency"
    );
    let csrf = hidden(&form.text, "csrf").unwrap();
    let link = "https://instagram.com/p/DLq3abcXYZ1/c/18099990000000001/?igsh=abc";
    let fields = [
        ("csrf", csrf.as_str()),
        ("tautan", link),
        ("isi", "Lampu jalan di depan pasar mati sudah seminggu"),
        ("pengirim", "warga_pasar"),
        ("kategori", "jalan"),
        ("wilayah", "jalancagak"),
        ("lat", "-6.6583"),
        ("long", "107.6772"),
    ];

    // Nothing filed yet: the check names the platform only.
    let r = v
        .get(&format!("/app/aduan/cek?tautan={}", url_encode(link)))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["platform"], "Instagram");
    assert!(r.body["code"].is_null());

    // Without the token: refused, nothing filed.
    let mut forged = fields.to_vec();
    forged[0] = ("csrf", "forged");
    assert_eq!(v.post("/app/aduan/baru", &forged).await.status, 403);
    assert_eq!(app.count("tickets"), 0);

    // Missing text: the form again with the words kept and the field named in Indonesian.
    let mut blank = fields.to_vec();
    blank[2] = ("isi", "  ");
    let r = v.post("/app/aduan/baru", &blank).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Isi komentar tidak valid."), "{}", r.text);
    assert!(r.text.contains("value=\"warga_pasar\""));
    assert_eq!(app.count("tickets"), 0);

    // Filed, twice by a double tap: one complaint, its page shows the tracking code.
    let (a, b) = futures_util::future::join(
        v.app.send(post_form(&v, "/app/aduan/baru", &fields)),
        v.app.send(post_form(&v, "/app/aduan/baru", &fields)),
    )
    .await;
    assert_eq!(
        (a.status.as_u16(), b.status.as_u16()),
        (303, 303),
        "{} {}",
        a.text,
        b.text
    );
    assert_eq!(app.count("tickets"), 1);
    let page = v.get(location(&a)).await;
    assert!(
        page.text.contains("Aduan tercatat.") || page.text.contains("sudah tercatat"),
        "{}",
        page.text
    );
    let code = page
        .text
        .split("<span class=\"code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(code.starts_with("SBG-"), "{code}");

    // The same link again: the check and the form both lead to it.
    let r = v
        .get(&format!("/app/aduan/cek?tautan={}", url_encode(link)))
        .await;
    assert_eq!(r.body["code"], code.as_str());
    assert_eq!(r.body["visible"], true);
    let r = v.post("/app/aduan/baru", &fields).await;
    assert_eq!(r.status, 303);
    assert_eq!(location(&r), format!("/app/aduan/{code}?sudah=1"));

    // Another agency's PIC learns only that it exists: code and status, nothing more.
    let mut g = Visitor::new(&app);
    assert_eq!(g.sign_in("pic.g", PASSWORD).await.status, 303);
    let r = g
        .get(&format!("/app/aduan/cek?tautan={}", url_encode(link)))
        .await;
    assert_eq!(r.body["visible"], false);
    let csrf = g.csrf("/app/aduan/baru").await;
    let mut theirs = fields.to_vec();
    theirs[0] = ("csrf", csrf.as_str());
    let r = g.post("/app/aduan/baru", &theirs).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains(&format!(
        "sudah tercatat dengan kode <strong class=\"code\">{code}</strong>"
    )));
    assert!(
        !r.text.contains("/app/aduan/SBG-"),
        "no link to a complaint they cannot open"
    );
    assert_eq!(app.count("tickets"), 1);
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn post_form(v: &Visitor<'_>, path: &str, form: &[(&str, &str)]) -> actix_web::test::TestRequest {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let jar: Vec<String> = v
        .cookies
        .iter()
        .map(|(k, val)| format!("{k}={val}"))
        .collect();
    actix_web::test::TestRequest::post()
        .uri(path)
        .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
        .insert_header((header::COOKIE, jar.join("; ")))
        .set_payload(body)
}

async fn patrol_check_in_and_posts(app: TestApp) {
    let admin = app.admin_token().await;
    app.person(&admin, "pic.d", "pic", Some("dpupr"), None)
        .await;
    // A slot open now (local time, ±60 minutes) and one that is not.
    let now = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Jakarta);
    let open = now.format("%H:%M").to_string();
    let closed = (now + chrono::Duration::hours(6))
        .format("%H:%M")
        .to_string();
    let r = app
        .call(
            actix_web::http::Method::PUT,
            "/api/v1/patrols/slots",
            Some(&admin),
            Some(json!({"slots": [
                {"name": "Siang", "at": open, "window_minutes": 60},
                {"name": "Malam", "at": closed, "window_minutes": 30}
            ]})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let mut v = Visitor::new(&app);
    assert_eq!(v.sign_in("pic.d", PASSWORD).await.status, 303);
    let page = v.get("/app/tugas").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains("Check-in patroli Siang"),
        "{}",
        page.text
    );
    assert!(
        !page.text.contains("Check-in patroli Malam"),
        "closed outside its window"
    );
    let csrf = hidden(&page.text, "csrf").unwrap();
    let account = page
        .text
        .split("name=\"akun\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    // No account ticked: refused in Indonesian, nothing recorded.
    let r = v
        .post("/app/tugas/patroli", &[("csrf", &csrf), ("slot", "Siang")])
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.text.contains("Akun yang diperiksa tidak valid."),
        "{}",
        r.text
    );
    assert_eq!(app.count("patrols"), 0);
    let r = v
        .post(
            "/app/tugas/patroli",
            &[
                ("csrf", &csrf),
                ("slot", "Siang"),
                ("akun", &account),
                ("komentar", "12"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = v.get(location(&r)).await;
    assert!(page.text.contains("Check-in patroli tercatat."));
    assert!(page.text.contains("Sudah check-in"), "{}", page.text);
    assert!(page.text.contains("Patroli Siang oleh Anda"));
    assert!(
        !page.text.contains("Check-in patroli Siang"),
        "checked in: the form is gone"
    );
    assert_eq!(app.count("patrols"), 1);

    let post = "https://www.instagram.com/p/DMa1b2c3d4e/";
    let r = v
        .post(
            "/app/tugas/unggahan",
            &[
                ("csrf", &csrf),
                ("jenis", "content"),
                ("tautan", post),
                ("akun", &account),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = v.get("/app/tugas").await;
    assert!(
        page.text
            .contains("Konten sendiri https://www.instagram.com/p/DMa1b2c3d4e"),
        "{}",
        page.text
    );
    assert_eq!(app.count("activities"), 1);

    // Another PIC of the agency sees who did it, by name.
    app.person(&admin, "pic.e", "pic", Some("dpupr"), None)
        .await;
    let mut other = Visitor::new(&app);
    assert_eq!(other.sign_in("pic.e", PASSWORD).await.status, 303);
    let page = other.get("/app/tugas").await;
    assert!(
        page.text.contains("Patroli Siang oleh Ibu pic.d"),
        "{}",
        page.text
    );
    assert!(page.text.contains("DMa1b2c3d4e oleh Ibu pic.d"));
}

/// The users page holds fifty at a time, with a link to the rest, and finds users by name,
/// role and agency.
async fn users_are_searched_and_paged(app: TestApp) {
    let admin = app.admin_token().await;
    let dinkes = app.agency_id(&admin, "dinkes").await;
    for i in 0..54 {
        let r = app
            .post(
                "/api/v1/users",
                &admin,
                json!({"username": format!("pic.{i:02}"), "password": PASSWORD,
                    "display_name": format!("Petugas {i:02}"), "role": "pic", "agency_id": dinkes}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    app.person(&admin, "rina.kadis", "agency_head", Some("dpupr"), None)
        .await;
    let mut v = Visitor::new(&app);
    assert_eq!(v.sign_in("admin", common::ADMIN_PASSWORD).await.status, 303);
    let first = v.get("/app/pengguna").await;
    assert_eq!(first.text.matches("href=\"/app/pengguna/").count(), 50);
    let next = first
        .text
        .split("class=\"button\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a link to the next page")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let second = v.get(&next).await;
    assert_eq!(second.status, 200, "{}", second.text);
    // 54 PICs, the admin and the agency head: six more.
    assert_eq!(second.text.matches("href=\"/app/pengguna/").count(), 6);
    assert!(!second.text.contains("class=\"button\" href="));

    let found = v.get("/app/pengguna?q=rina").await;
    assert_eq!(found.text.matches("href=\"/app/pengguna/").count(), 1);
    assert!(found.text.contains("Ibu rina.kadis"));
    let heads = v.get("/app/pengguna?peran=agency_head").await;
    assert_eq!(heads.text.matches("href=\"/app/pengguna/").count(), 1);
    let of_dinkes = v
        .get(&format!("/app/pengguna?perangkat={dinkes}&q=petugas%2005"))
        .await;
    assert_eq!(
        of_dinkes.text.matches("href=\"/app/pengguna/").count(),
        1,
        "{}",
        of_dinkes.text
    );
    let none = v.get("/app/pengguna?q=tidak-ada-yang-begini").await;
    assert!(none.text.contains("Tidak ada pengguna yang cocok."));
}

/// A coordinator with more new complaints than the home page holds is told so and led to the
/// list, most urgent first.
async fn a_full_inbox_points_to_the_rest(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app
        .person(&admin, "pic.a", "pic", Some("dpupr"), None)
        .await;
    app.person(&admin, "koord.a", "coordinator", Some("diskominfo"), None)
        .await;
    for i in 0..51 {
        let r = app
            .post(
                "/api/v1/tickets",
                &pic,
                comment(&format!("40{i:03}"), "Jalan rusak"),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let mut v = Visitor::new(&app);
    assert_eq!(v.sign_in("koord.a", PASSWORD).await.status, 303);
    let page = v.get("/app/").await;
    assert!(
        page.text.contains("50 aduan, paling mendesak di atas."),
        "{}",
        page.text
    );
    assert!(page
        .text
        .contains("hanya 50 yang paling mendesak ditampilkan"));
    assert!(page.text.contains("href=\"/app/aduan?urut=mendesak\""));
    // The PIC's own inbox (its 51 complaints to answer) is cut the same way.
    let mut own = Visitor::new(&app);
    assert_eq!(own.sign_in("pic.a", PASSWORD).await.status, 303);
    assert!(own
        .get("/app/")
        .await
        .text
        .contains("hanya 50 yang paling mendesak"));
}

async fn admins_manage_users(app: TestApp) {
    let mut v = Visitor::new(&app);
    assert_eq!(v.sign_in("admin", common::ADMIN_PASSWORD).await.status, 303);
    let page = v.get("/app/pengguna").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let csrf = hidden(&page.text, "csrf").unwrap();
    let dpupr = option(&page.text, "Dinas Pekerjaan Umum dan Penataan Ruang");
    let bina_marga = option(
        &page.text,
        "Dinas Pekerjaan Umum dan Penataan Ruang · Bidang Bina Marga",
    );

    // A PIC and a division head, by the form.
    let pic = [
        ("csrf", csrf.as_str()),
        ("username", "Rina.PIC"),
        ("nama", "Rina Marlina"),
        ("peran", "pic"),
        ("perangkat", dpupr.as_str()),
        ("sandi", "kata sandi awal"),
    ];
    let r = v.post("/app/pengguna", &pic).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let r = v
        .post(
            "/app/pengguna",
            &[
                ("csrf", &csrf),
                ("username", "yayat.kabid"),
                ("nama", "Yayat"),
                ("peran", "division_head"),
                ("bidang", &bina_marga),
                ("sandi", "kata sandi awal"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let list = v.get("/app/pengguna?selesai=tambah").await;
    assert!(list.text.contains("Pengguna sudah ditambahkan."));
    assert!(list.text.contains("Rina Marlina") && list.text.contains("rina.pic"));
    assert!(
        list.text
            .contains("Kepala bidang · Bidang Bina Marga · Dinas Pekerjaan Umum"),
        "{}",
        list.text
    );
    let mut rina = Visitor::new(&app);
    assert_eq!(
        rina.sign_in("rina.pic", "kata sandi awal").await.status,
        303
    );
    assert_eq!(
        rina.get("/app/pengguna").await.status,
        403,
        "a PIC manages no users"
    );

    // The same username again, a short password: refused in Indonesian, nothing added.
    let users_before = app.count("users");
    let r = v.post("/app/pengguna", &pic).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(
        r.text.contains("Nama pengguna itu sudah dipakai."),
        "{}",
        r.text
    );
    let mut short = pic.to_vec();
    short[1] = ("username", "dewi.pic");
    short[5] = ("sandi", "pendek");
    let r = v.post("/app/pengguna", &short).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Kata sandi tidak valid."), "{}", r.text);
    assert_eq!(app.count("users"), users_before);

    // Deactivating ends her session at once; the change is in the audit log.
    let id = list
        .text
        .split("href=\"/app/pengguna/")
        .find(|s| s.contains("Rina Marlina"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let edit = v.get(&format!("/app/pengguna/{id}")).await;
    assert_eq!(edit.status, 200, "{}", edit.text);
    let r = v
        .post(
            &format!("/app/pengguna/{id}"),
            &[
                ("csrf", &csrf),
                ("nama", "Rina Marlina"),
                ("peran", "pic"),
                ("perangkat", &dpupr),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(
        rina.get("/app/").await.status,
        303,
        "deactivated: signed out"
    );
    let admin = app.admin_token().await;
    let audit = app.get("/api/v1/audit?action=user.update", &admin).await;
    assert_eq!(audit.status, 200, "{}", audit.text);
    assert!(audit.text.contains(&id), "{}", audit.text);
    // The last admin cannot be deactivated here either.
    let me = app.get("/api/v1/me", &admin).await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = v
        .post(
            &format!("/app/pengguna/{me}"),
            &[("csrf", &csrf), ("nama", "Admin"), ("peran", "admin")],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.text.contains("Admin terakhir"), "{}", r.text);

    let reference = v.get("/app/referensi").await;
    assert_eq!(reference.status, 200, "{}", reference.text);
    assert!(reference.text.contains("Jalan rusak"), "{}", reference.text);
    assert!(reference
        .text
        .contains("→ Dinas Pekerjaan Umum dan Penataan Ruang"));
    assert!(reference.text.contains("Jalancagak"));
    assert_eq!(rina.get("/app/referensi").await.status, 303, "signed out");
}

on_both_backends!(
    admins_manage_users,
    users_are_searched_and_paged,
    a_full_inbox_points_to_the_rest,
    patrol_check_in_and_posts,
    filing_from_a_comment,
    lists_search_and_page,
    the_story_by_clicking,
    sign_in_and_out,
    forms_need_their_token,
    password_change_and_deactivation_end_sessions,
    each_role_sees_its_work,
    sign_in_is_throttled_here_too,
);

/// Behind TLS (`ADUAN_SECURE_COOKIES`), the cookies are sent over HTTPS only.
#[actix_web::test]
async fn cookies_are_secure_behind_tls() {
    let app = TestApp::with(common::Kind::Sqlite, &[("ADUAN_SECURE_COOKIES", "true")]).await;
    let mut v = Visitor::new(&app);
    let form = v.get("/app/masuk").await;
    assert!(set_cookie(&form, "aduan_masuk").unwrap().contains("Secure"));
    let r = v.sign_in("admin", common::ADMIN_PASSWORD).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(set_cookie(&r, "aduan_sesi").unwrap().contains("Secure"));
}

/// The stylesheet and script are served under their content's hash, cached for a year; the
/// next-page parameter never leads off the console.
#[actix_web::test]
async fn assets_and_no_open_redirect() {
    let app = TestApp::new(common::Kind::Sqlite).await;
    let mut v = Visitor::new(&app);
    let form = v.get("/app/masuk").await;
    let css = form
        .text
        .split("href=\"")
        .find_map(|s| s.split('"').next().filter(|p| p.ends_with(".css")))
        .unwrap()
        .to_string();
    assert!(css.starts_with("/app/aset/app-"), "{css}");
    let r = v.get(&css).await;
    assert_eq!(r.status, 200);
    assert!(r.content_type().starts_with("text/css"));
    assert!(r
        .headers
        .get(header::CACHE_CONTROL)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(v.get("/app/aset/app-00000000.css").await.status, 404);

    let form = v
        .get("/app/masuk?lanjut=https%3A%2F%2Fevil.example%2F")
        .await;
    assert!(
        form.text.contains("name=\"lanjut\" value=\"/app/\""),
        "{}",
        form.text
    );
    let csrf = hidden(&form.text, "csrf").unwrap();
    let r = v
        .post(
            "/app/masuk",
            &[
                ("csrf", &csrf),
                ("lanjut", "//evil.example/"),
                ("username", "admin"),
                ("password", common::ADMIN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(location(&r), "/app/");
}
