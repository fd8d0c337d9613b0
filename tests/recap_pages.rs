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

    // Drill-down: behind each figure, the complaints it counts, as links.
    let id = frozen_path.rsplit('/').next().unwrap().to_string();
    let drill = leader
        .get(&format!("/app/rekap/{id}/rincian/pic.pupr"))
        .await;
    assert_eq!(drill.status, 200, "{}", drill.text);
    assert!(drill.text.contains("Aduan dicatat (2)"), "{}", drill.text);
    assert_eq!(
        drill.text.matches("href=\"/app/aduan/").count(),
        2,
        "{}",
        drill.text
    );
    assert!(frozen
        .text
        .contains(&format!("href=\"/app/rekap/{id}/rincian/pic.pupr\"")));
    let live = leader.get("/app/rekap/rincian/dpupr").await;
    assert_eq!(live.status, 200, "{}", live.text);
    assert!(live.text.contains("Aduan dicatat (2)"), "{}", live.text);
    assert_eq!(
        leader
            .get(&format!("/app/rekap/{id}/rincian/nobody"))
            .await
            .status,
        404
    );

    // The card and caption, from the console.
    let card = leader.get(&format!("/app/rekap/{id}/kartu.png")).await;
    assert_eq!(card.status, 200);
    assert_eq!(card.content_type(), "image/png");
    let caption = leader.get(&format!("/app/rekap/{id}/keterangan.txt")).await;
    assert!(
        caption.text.starts_with("Rekap dua mingguan"),
        "{}",
        caption.text
    );
    assert_eq!(
        leader.get("/app/rekap/kartu.png").await.content_type(),
        "image/png"
    );

    // The decision: winners preselected by rank; final once saved; published on request.
    let page = leader.get(&frozen_path).await;
    assert!(page.text.contains("Tetapkan pemenang"), "{}", page.text);
    assert!(
        page.text.contains("<option value=\"pic.pupr\" selected>"),
        "{}",
        page.text
    );
    let csrf = hidden(&page.text, "csrf").unwrap();
    let action = format!("{frozen_path}/keputusan");
    let r = leader
        .post(
            &action,
            &[
                ("csrf", &csrf),
                ("opd", "pic.jalancagak"),
                ("kecamatan", ""),
            ],
        )
        .await;
    assert_eq!(
        r.status, 422,
        "a kecamatan PIC cannot win the OPD board: {}",
        r.text
    );
    assert!(r.text.contains("role=\"alert\""));
    assert_eq!(app.count("recap_decisions"), 0);
    let r = leader
        .post(
            &action,
            &[
                ("csrf", &csrf),
                ("opd", "pic.pupr"),
                ("kecamatan", "pic.jalancagak"),
                ("terbitkan", "ya"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = leader.get(location(&r)).await;
    for words in [
        "Pemenang sudah ditetapkan.",
        "PIC terbaik perangkat daerah: Ibu pic.pupr",
        "PIC terbaik kecamatan: Ibu pic.jalancagak",
        "Diterbitkan untuk umum",
    ] {
        assert!(page.text.contains(words), "{words} in {}", page.text);
    }
    assert!(!page.text.contains("Tetapkan pemenang"));
    let r = leader
        .post(&action, &[("csrf", &csrf), ("opd", ""), ("kecamatan", "")])
        .await;
    assert_eq!(r.status, 409, "{}", r.text);

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
        assert_eq!(
            v.get(&format!("{frozen_path}/kartu.png")).await.status,
            403,
            "{who}"
        );
    }
}

/// A board longer than five lines shows five and the rest behind "Lihat semua".
async fn long_boards_fold(app: TestApp) {
    let admin = app.admin_token().await;
    for n in 0..7 {
        app.person(&admin, &format!("pic.pupr{n}"), "pic", Some("dpupr"), None)
            .await;
    }
    app.person(&admin, "pimpinan", "leader", None, None).await;
    let mut leader = signed_in(&app, "pimpinan").await;
    let page = leader.get("/app/rekap").await;
    let (opd, _) = page.text.split_once("h-board-2").unwrap();
    let (top, rest) = opd.split_once("Lihat semua (7)").expect("folded");
    assert_eq!(top.matches("Ibu pic.pupr").count(), 5, "{top}");
    let (folded, _) = rest.split_once("</details>").unwrap();
    assert_eq!(folded.matches("Ibu pic.pupr").count(), 2, "{folded}");
}

on_both_backends!(boards_and_freezing, long_boards_fold);
