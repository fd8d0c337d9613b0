//! The recap pages of the console on both backends: the fortnight as it stands on the two
//! prize boards (perangkat daerah, kecamatan), freezing it, a frozen recap, and who may see or
//! freeze it.

mod common;

use common::console::{hidden, location, Visitor};
use common::{TestApp, PASSWORD};
use serde_json::json;

async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Visitor<'a> {
    let mut v = Visitor::new(app);
    assert_eq!(v.sign_in(username, PASSWORD).await.status, 303);
    v
}

fn filing(n: &str) -> serde_json::Value {
    json!({"source": {"platform": "instagram",
        "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/60{n}/"),
        "text": "Jalan berlubang di depan pasar"}, "category": "jalan"})
}

async fn boards_and_freezing(app: TestApp) {
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
    app.person(&admin, "pimpinan", "leader", None, None).await;
    app.person(&admin, "perencana", "planner", Some("bp4d"), None)
        .await;
    for (who, n) in [(&opd_pic, "01"), (&opd_pic, "02"), (&kec_pic, "03")] {
        let r = app.post("/api/v1/tickets", who, filing(n)).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }

    let mut leader = signed_in(&app, "pimpinan").await;
    let page = leader.get("/app/rekap").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page
        .text
        .contains("href=\"/app/rekap\" aria-current=\"page\""));
    let (opd, kecamatan) = page
        .text
        .split_once("<h2 id=\"h-board-2\">Kecamatan</h2>")
        .expect("two boards");
    assert!(opd.contains("<h2 id=\"h-board-1\">Perangkat daerah</h2>"));
    assert!(opd.contains("Ibu pic.pupr"), "{opd}");
    assert!(opd.contains("Dicatat 2 ·"), "{opd}");
    assert!(!opd.contains("Ibu pic.jalancagak"));
    assert!(kecamatan.contains("Ibu pic.jalancagak"), "{kecamatan}");
    assert!(kecamatan.contains("Dicatat 1 ·"));
    assert!(kecamatan.contains("Balasan tepat waktu"));
    assert!(!kecamatan.contains("Ibu pic.pupr"));

    // A form without the session's token freezes nothing.
    let r = leader
        .post("/app/rekap", &[("csrf", "not-the-token")])
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(app.count("recaps"), 0);
    let r = leader
        .post(
            "/app/rekap",
            &[
                ("csrf", &hidden(&page.text, "csrf").unwrap()),
                ("dari", &hidden(&page.text, "dari").unwrap()),
                ("sampai", &hidden(&page.text, "sampai").unwrap()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(app.count("recaps"), 1);
    let frozen = leader.get(location(&r)).await;
    assert_eq!(frozen.status, 200, "{}", frozen.text);
    for words in [
        "Rekap yang dibekukan",
        "Rekap sudah dibekukan",
        "Ibu pic.pupr",
        "Ibu pic.jalancagak",
    ] {
        assert!(frozen.text.contains(words), "{words} in {}", frozen.text);
    }
    assert!(!frozen.text.contains("Bekukan rekap periode ini"));
    // The live page lists it.
    let frozen_path = location(&r).split('?').next().unwrap().to_string();
    let page = leader.get("/app/rekap").await;
    assert!(page.text.contains(&format!("href=\"{frozen_path}\"")));

    // An earlier period: every PIC is still accountable, with nothing done.
    let earlier = leader.get("/app/rekap?tanggal=2024-01-10").await;
    assert_eq!(earlier.status, 200, "{}", earlier.text);
    assert!(
        earlier.text.contains("Senin, 8 Januari 2024"),
        "{}",
        earlier.text
    );
    assert!(!earlier.text.contains("Dicatat 2 ·"));

    // PICs and planners have no recap: not in their menu, refused at the door.
    for who in ["pic.pupr", "perencana"] {
        let mut v = signed_in(&app, who).await;
        let home = v.get("/app/").await;
        assert!(!home.text.contains("href=\"/app/rekap\""), "{who}");
        let r = v.get("/app/rekap").await;
        assert_eq!(r.status, 403, "{who}: {}", r.text);
        assert!(r.text.contains("Tidak diizinkan"));
        assert_eq!(v.get(&frozen_path).await.status, 403, "{who}");
    }
}

on_both_backends!(boards_and_freezing);
