//! The planners' dashboard (`/app/analitik`) and the "bahan perencanaan" table, over HTTP on
//! both backends: charts drawn from the analytics the API reads, the filter by a second
//! dimension, every download, who may see it, and bad queries answered in Indonesian.

mod common;

use common::console::Visitor;
use common::{TestApp, PASSWORD};
use serde_json::json;

async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Visitor<'a> {
    let mut v = Visitor::new(app);
    assert_eq!(v.sign_in(username, PASSWORD).await.status, 303);
    v
}

/// Three complaints about roads in Jalancagak (two at one spot), one about rubbish elsewhere;
/// one road complaint routed to DPUPR and fixed. Gives the fixed complaint's id.
async fn complaints(app: &TestApp, admin: &str) -> String {
    let common::console::Crew {
        pic,
        koord,
        kadis,
        kabid,
    } = app.crew(admin).await;
    let mut ids = Vec::new();
    for (n, category, region, spot) in [
        ("1", "jalan", "jalancagak.bunihayu", (-6.6583, 107.6772)),
        ("2", "jalan", "jalancagak", (-6.6584, 107.6773)),
        ("3", "jalan", "jalancagak", (-6.7, 107.7)),
        ("4", "sampah", "jalancagak", (-6.8, 107.8)),
    ] {
        let r = app
            .post(
                "/api/v1/tickets",
                &pic,
                json!({"source": {"platform": "instagram",
                    "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/77{n}/"),
                    "text": "Jalan berlubang, hubungi 081234567890"},
                    "category": category, "region": region,
                    "location": {"lat": spot.0, "long": spot.1}}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.id());
    }
    let agency = app.agency_id(admin, "dpupr").await;
    let division = app.division_id(admin, "dpupr", "dpupr.bina-marga").await;
    for id in &ids[..3] {
        let r = app
            .post(
                &format!("/api/v1/tickets/{id}/route"),
                &koord,
                json!({"agency_id": agency}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let id = ids[0].clone();
    for (who, action, body) in [
        (&kadis, "assign", json!({"division_id": division})),
        (&kabid, "start", json!({})),
        (
            &kabid,
            "resolve",
            json!({"summary": "Ditambal", "no_visit_reason": "rekanan"}),
        ),
    ] {
        let r = app
            .post(&format!("/api/v1/tickets/{id}/{action}"), who, body)
            .await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    }
    id
}

async fn the_dashboard(app: TestApp) {
    let admin = app.admin_token().await;
    complaints(&app, &admin).await;
    app.person(&admin, "perencana", "planner", Some("bp4d"), None)
        .await;
    let mut planner = signed_in(&app, "perencana").await;

    let page = planner.get("/app/analitik").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let html = &page.text;
    assert!(html.contains("href=\"/app/analitik\" aria-current=\"page\""));
    // The trend: one column this month, roads stacked under rubbish, each shape in words.
    assert!(html.contains("<h2 id=\"h-trend\">Tren: Aduan masuk per kategori</h2>"));
    let month = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .format("%Y-%m")
        .to_string();
    assert!(
        html.contains(&format!("<title>{month} · Jalan rusak: 3</title>")),
        "{html}"
    );
    assert!(html.contains(&format!("<title>{month} · Sampah: 1</title>")));
    // The backlog: DPUPR holds two open (one resolved, awaiting its reply, counts as open),
    // one not routed; SLA; hotspots; repeated places; planning form.
    assert!(
        html.contains("<span class=\"bar-label\">Dinas Pekerjaan Umum dan Penataan Ruang</span>")
    );
    assert!(html.contains("<span class=\"bar-label\">Belum diteruskan</span>"));
    assert!(
        html.contains("aria-label=\"Jalancagak · Jalan rusak: 3\""),
        "{html}"
    );
    assert!(
        html.contains("2 aduan Jalan rusak di sekitar -6.658, 107.677"),
        "{html}"
    );
    assert!(
        html.contains("<strong>Verifikasi</strong>: 100,0% tepat waktu"),
        "{html}"
    );
    assert!(html.contains("action=\"/app/analitik/perencanaan\""));
    // Aggregates only: no comment text or phone number reaches the dashboard.
    assert!(!html.contains("0812") && !html.contains("berlubang"));

    // Within one kecamatan: its desa counts; within another, nothing.
    let r = planner
        .get("/app/analitik?kelompok=agency&kecamatan=jalancagak")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r
        .text
        .contains("Tren: Aduan masuk per perangkat daerah di Jalancagak"));
    assert!(r.text.contains(&format!(
        "<title>{month} · Dinas Pekerjaan Umum dan Penataan Ruang: 3</title>"
    )));
    assert!(r
        .text
        .contains(&format!("<title>{month} · Belum diteruskan: 1</title>")));
    let r = planner
        .get("/app/analitik?kategori=sampah&kelompok=region")
        .await;
    assert!(r
        .text
        .contains(&format!("<title>{month} · Jalancagak: 1</title>")));

    // Every table downloads as CSV and XLSX, with the page's filters.
    for (file, head) in [
        ("tren", "bucket,group,group_name,count"),
        ("tunggakan", "agency,agency_name,age_band,count"),
        ("sla", "clock,agency,category,met,breached,running,paused"),
        (
            "titik-rawan",
            "region,region_name,category,category_name,count",
        ),
        ("berulang", "category,lat,long,count"),
        ("rute", "from_agency,to_agency,returns,reroutes,ping_pong"),
    ] {
        let r = planner
            .get(&format!(
                "/app/analitik/unduh/{file}.csv?kecamatan=jalancagak"
            ))
            .await;
        assert_eq!(r.status, 200, "{file}: {}", r.text);
        assert!(r.content_type().starts_with("text/csv"), "{file}");
        assert_eq!(r.text.lines().next(), Some(head), "{file}");
        assert!(
            html.contains(&format!("/app/analitik/unduh/{file}.csv")),
            "{file}"
        );
        let r = planner
            .get(&format!("/app/analitik/unduh/{file}.xlsx"))
            .await;
        assert_eq!(r.status, 200, "{file}");
        assert!(r.bytes.starts_with(b"PK"), "{file}: an XLSX is a zip");
    }
    let r = planner
        .get("/app/analitik/unduh/tren.csv?kecamatan=jalancagak&kelompok=category")
        .await;
    assert!(
        r.text.contains(&format!("{month},jalan,Jalan rusak,3")),
        "{}",
        r.text
    );
    assert!(
        r.text.contains(&format!("{month},sampah,Sampah,1")),
        "{}",
        r.text
    );
    assert_eq!(
        planner.get("/app/analitik/unduh/rahasia.csv").await.status,
        404
    );
    assert_eq!(
        planner.get("/app/analitik/unduh/tren.pdf").await.status,
        404
    );

    // Bad queries: a clear Indonesian message, not a server error.
    for (q, status, words) in [
        ("dari=kemarin", 422, "Tanggal awal tidak valid."),
        ("kelompok=warna", 422, "Kelompok tidak valid."),
        (
            "kategori=jalan&kecamatan=jalancagak",
            422,
            "Penyaring (pilih satu saja: kategori, kecamatan atau perangkat daerah) tidak valid.",
        ),
        ("kecamatan=atlantis", 422, "Penyaring (pilih satu saja"),
        (
            "dari=2026-05-01&sampai=2026-01-01",
            400,
            "Isian pencarian tidak valid.",
        ),
    ] {
        let r = planner.get(&format!("/app/analitik?{q}")).await;
        assert_eq!(r.status, status, "{q}: {}", r.text);
        assert!(r.text.contains(words), "{q}: {}", r.text);
    }

    // Only planners, leaders, coordinators and admins.
    let mut pic = signed_in(&app, "pic.a").await;
    let r = pic.get("/app/analitik").await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(!r.text.contains("href=\"/app/analitik\""));
    assert_eq!(pic.get("/app/analitik/unduh/tren.csv").await.status, 403);
    let home = pic.get("/app/").await;
    assert!(!home.text.contains(">Analitik<"));
}

async fn the_planning_table(app: TestApp) {
    let admin = app.admin_token().await;
    complaints(&app, &admin).await;
    let (_, planner_token) = app
        .person(&admin, "perencana", "planner", Some("bp4d"), None)
        .await;
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .format("%Y")
        .to_string();

    // The API: DPUPR's year in Jalancagak — three road complaints, one fixed, two at one spot.
    let r = app
        .get(
            &format!("/api/v1/analytics/planning?agency=dpupr&year={year}"),
            &planner_token,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["agency_name"],
        "Dinas Pekerjaan Umum dan Penataan Ruang"
    );
    let rows = r.body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["kecamatan"], "jalancagak");
    assert_eq!(row["category"], "jalan");
    assert_eq!(row["complaints"], 3);
    assert_eq!(row["fixed"], 1);
    assert_eq!(row["fixed_percent"], 33.3);
    assert!(row["median_days_to_fix"].as_f64().unwrap() < 0.1, "{row}");
    assert_eq!(row["repeated_places"], 1);
    let r = app
        .get(
            &format!("/api/v1/analytics/planning?agency=dpupr&year={year}&format=csv"),
            &planner_token,
        )
        .await;
    let mut lines = r.text.lines();
    assert_eq!(
        lines.next(),
        Some("kecamatan,nama_kecamatan,kategori,nama_kategori,aduan,selesai,persen_selesai,median_hari_selesai,tempat_berulang")
    );
    assert!(lines
        .next()
        .unwrap()
        .starts_with("jalancagak,Jalancagak,jalan,Jalan rusak,3,1,33.3,0.0,1"));
    app.get("/api/v1/analytics/planning?agency=atlantis", &planner_token)
        .await
        .assert_problem(400, "invalid_query");
    // Another agency's year holds none of them.
    let r = app
        .get("/api/v1/analytics/planning?agency=dishub", &planner_token)
        .await;
    assert_eq!(r.body["rows"], json!([]));

    // The page: pick an agency and a year, see the table, download it.
    let mut planner = signed_in(&app, "perencana").await;
    let r = planner
        .get(&format!("/app/analitik/perencanaan?pd=dpupr&tahun={year}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r
        .text
        .contains(&format!("Dinas Pekerjaan Umum dan Penataan Ruang · {year}")));
    assert!(r.text.contains("<td>Jalancagak</td>"));
    assert!(r.text.contains("<td>33,3</td>"), "{}", r.text);
    let xlsx = format!("/app/analitik/unduh/perencanaan.xlsx?pd=dpupr&#38;tahun={year}");
    assert!(r.text.contains(&xlsx), "{}", r.text);
    let r = planner.get(&xlsx.replace("&#38;", "&")).await;
    assert_eq!(r.status, 200);
    assert!(r.bytes.starts_with(b"PK"));
    for (q, status, words) in [
        ("pd=dpupr&tahun=dua", 422, "Tahun tidak valid."),
        ("pd=atlantis", 400, "Isian pencarian tidak valid."),
    ] {
        let r = planner.get(&format!("/app/analitik/perencanaan?{q}")).await;
        assert_eq!(r.status, status, "{q}: {}", r.text);
        assert!(r.text.contains(words), "{q}: {}", r.text);
    }

    // The desa of the first complaint moves to kecamatan Subang: the table follows at once (from
    // the raw tables) and after the projections are rebuilt in the background.
    let desa = {
        let mut conn = app.state.db.conn().unwrap();
        let jur = aduan::db::models::jurisdiction::first(&mut conn)
            .unwrap()
            .unwrap();
        aduan::db::models::region::find_by_code(&mut conn, &jur.id, "jalancagak.bunihayu")
            .unwrap()
            .unwrap()
    };
    let r = app
        .patch(
            &format!("/api/v1/regions/{}", desa.id),
            &admin,
            json!({"parent_code": "subang"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let table = |body: &serde_json::Value| -> Vec<String> {
        body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {} {}",
                    r["kecamatan"],
                    r["category"],
                    r["complaints"],
                    r["fixed"],
                    r["repeated_places"]
                )
            })
            .collect()
    };
    let moved = vec![
        "\"jalancagak\" \"jalan\" 2 0 0".to_string(),
        "\"subang\" \"jalan\" 1 1 0".to_string(),
    ];
    let planning = format!("/api/v1/analytics/planning?agency=dpupr&year={year}");
    let r = app.get(&planning, &planner_token).await;
    assert_eq!(table(&r.body), moved);
    let ready = || {
        let mut conn = app.state.db.conn().unwrap();
        let jur = aduan::db::models::jurisdiction::first(&mut conn)
            .unwrap()
            .unwrap();
        aduan::service::projections::ready(&mut conn, &jur.id, jur.tz()).unwrap()
    };
    for _ in 0..100 {
        if ready() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready(), "the projections were not rebuilt");
    let r = app.get(&planning, &planner_token).await;
    assert_eq!(table(&r.body), moved);
}

on_both_backends!(the_dashboard, the_planning_table);
