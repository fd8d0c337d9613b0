//! Planner analytics over HTTP on SQLite and PostgreSQL: trends bucketed in the jurisdiction's
//! time zone, grouped by category, kecamatan and agency, as JSON and CSV, for the roles that may.

mod common;

use chrono::{DateTime, Utc};
use common::TestApp;
use serde_json::{json, Value};

/// A ticket filed at `at` (its id made from that time, as every filing's is).
fn ticket_at(app: &TestApp, at: &str, category: Option<&str>, region: Option<&str>) -> String {
    use aduan::db::models::ticket::{self, Ticket};
    let t = DateTime::parse_from_rfc3339(at)
        .unwrap()
        .to_utc()
        .naive_utc();
    let mut conn = app.state.db.conn().unwrap();
    let (jur, admin) = {
        use aduan::db::schema::users;
        use diesel::prelude::*;
        users::table
            .filter(users::username.eq("admin"))
            .select((users::jurisdiction_id, users::id))
            .first::<(String, String)>(&mut *conn)
            .unwrap()
    };
    let id = aduan::db::new_id_at(t);
    let row = Ticket {
        id: id.clone(),
        jurisdiction_id: jur,
        code: format!("T-{}", &id[24..]),
        status: "new".into(),
        title: "Aduan".into(),
        description: None,
        category_id: category.map(str::to_string),
        region_id: region.map(str::to_string),
        lat: None,
        lng: None,
        address: None,
        agency_id: None,
        division_id: None,
        assignee_id: None,
        suggested_agency_id: None,
        platform: "instagram".into(),
        comment_url: None,
        comment_key: format!("test:{id}"),
        post_url: None,
        account: None,
        author: Some("warga_rahasia".into()),
        commented_at: None,
        comment_text: "Nomor saya 081234567890".into(),
        anonymous: false,
        confidential: false,
        reply_url: None,
        resolution: None,
        filed_by: admin,
        version: 1,
        created_at: t,
        updated_at: t,
        next_due_at: None,
    };
    ticket::insert(&mut conn, &row).unwrap();
    // Written behind the service's back, as a bulk load would: rebuild the trend rollups.
    aduan::service::projections::rebuild(&mut conn, &row.jurisdiction_id, chrono_tz::Asia::Jakarta)
        .unwrap();
    id
}

async fn id_of(app: &TestApp, token: &str, path: &str) -> String {
    let r = app.get(path, token).await;
    r.body["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: {}", r.text))
        .to_string()
}

fn rows(v: &Value) -> Vec<(String, Option<String>, i64)> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["bucket"].as_str().unwrap().to_string(),
                r["group"].as_str().map(str::to_string),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn trends(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, planner) = app.user_in(&admin, "planner", "bp4d", None).await;
    let (_, pic) = app.user_in(&admin, "pic", "dpupr", None).await;
    let jalan = id_of(&app, &admin, "/api/v1/categories?q=jalan&limit=1").await;
    let sampah = id_of(&app, &admin, "/api/v1/categories?q=sampah").await;
    let kecamatan = id_of(&app, &admin, "/api/v1/regions?q=jalancagak&level=kecamatan").await;
    let desa = id_of(
        &app,
        &admin,
        "/api/v1/regions?parent_code=jalancagak&limit=1",
    )
    .await;

    // 23:30 WIB on 31 January is January; 00:30 WIB on 1 February (17:30 UTC on the 31st) is
    // February; 00:00 WIB on 1 March is outside a range that ends on 28 February.
    ticket_at(&app, "2026-01-31T23:30:00+07:00", Some(&jalan), Some(&desa));
    ticket_at(&app, "2026-01-31T17:30:00Z", Some(&jalan), Some(&kecamatan));
    ticket_at(&app, "2026-02-15T09:00:00+07:00", Some(&sampah), None);
    ticket_at(
        &app,
        "2026-03-01T00:00:00+07:00",
        Some(&jalan),
        Some(&kecamatan),
    );
    ticket_at(&app, "2025-12-31T23:59:59+07:00", None, None);

    let r = app
        .get("/api/v1/analytics/trends?from=2026-01-01&to=2026-02-28&bucket=month&group_by=category&metric=filed", &planner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["timezone"], "Asia/Jakarta");
    assert_eq!(
        rows(&r.body),
        vec![
            ("2026-01".into(), Some("jalan".into()), 1),
            ("2026-02".into(), Some("jalan".into()), 1),
            ("2026-02".into(), Some("sampah".into()), 1),
        ]
    );
    assert!(
        !r.text.contains("warga_rahasia") && !r.text.contains("0812"),
        "no personal data"
    );
    // By kecamatan: a desa counts for its kecamatan; no region is a null group.
    let r = app
        .get(
            "/api/v1/analytics/trends?from=2026-01-01&to=2026-03-31&group_by=region",
            &planner,
        )
        .await;
    assert_eq!(
        rows(&r.body),
        vec![
            ("2026-01".into(), Some("jalancagak".into()), 1),
            ("2026-02".into(), None, 1),
            ("2026-02".into(), Some("jalancagak".into()), 1),
            ("2026-03".into(), Some("jalancagak".into()), 1),
        ]
    );
    // Within a second dimension: the categories of one kecamatan (its desa included), and the
    // kecamatan of one category.
    let r = app
        .get(
            "/api/v1/analytics/trends?from=2026-01-01&to=2026-03-31&group_by=category&region=jalancagak",
            &planner,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["within"],
        json!({"dim": "region", "code": "jalancagak"})
    );
    assert_eq!(
        rows(&r.body),
        vec![
            ("2026-01".into(), Some("jalan".into()), 1),
            ("2026-02".into(), Some("jalan".into()), 1),
            ("2026-03".into(), Some("jalan".into()), 1),
        ]
    );
    let r = app
        .get(
            "/api/v1/analytics/trends?from=2026-01-01&to=2026-03-31&group_by=region&category=sampah",
            &planner,
        )
        .await;
    assert_eq!(rows(&r.body), vec![("2026-02".into(), None, 1)]);
    let r = app
        .get(
            "/api/v1/analytics/trends?from=2026-01-01&to=2026-03-31&region=jalancagak&format=csv",
            &planner,
        )
        .await;
    let disposition = r
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        disposition
            .contains("trends-filed-category-month-region-jalancagak-2026-01-01-2026-03-31.csv"),
        "{disposition}"
    );
    for bad in ["region=jalancagak&category=jalan", "region=atlantis"] {
        let r = app
            .get(&format!("/api/v1/analytics/trends?{bad}"), &planner)
            .await;
        r.assert_problem(400, "invalid_query");
    }
    // Days and ISO weeks.
    let r = app
        .get(
            "/api/v1/analytics/trends?from=2026-01-31&to=2026-02-01&bucket=day",
            &planner,
        )
        .await;
    assert_eq!(
        rows(&r.body),
        vec![
            ("2026-01-31".into(), Some("jalan".into()), 1),
            ("2026-02-01".into(), Some("jalan".into()), 1),
        ]
    );
    let r = app
        .get(
            "/api/v1/analytics/trends?from=2026-01-26&to=2026-02-08&bucket=week",
            &planner,
        )
        .await;
    // Saturday 31 January and Sunday 1 February are both in the week of Monday 26 January.
    assert_eq!(
        rows(&r.body),
        vec![("2026-W05".into(), Some("jalan".into()), 2)]
    );

    // Resolved and closed count actions, grouped by the ticket's agency.
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let division = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;
    let filed = app
        .post(
            "/api/v1/tickets",
            &pic,
            json!({"source": {"platform": "instagram", "comment_url": "https://www.instagram.com/p/A1/c/1/", "text": "Jalan rusak"}, "category": "jalan"}),
        )
        .await;
    let id = filed.id();
    for (token, action, body) in [
        (&coord, "route", json!({"agency_id": dpupr})),
        (&head, "assign", json!({"division_id": division})),
        (&divhead, "start", json!({})),
        (
            &divhead,
            "resolve",
            json!({"summary": "Ditambal", "no_visit_reason": "rekanan"}),
        ),
    ] {
        let r = app
            .post(&format!("/api/v1/tickets/{id}/{action}"), token, body)
            .await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    }
    let month = Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .format("%Y-%m")
        .to_string();
    let r = app
        .get(
            "/api/v1/analytics/trends?metric=resolved&group_by=agency",
            &planner,
        )
        .await;
    assert_eq!(
        rows(&r.body),
        vec![(month.clone(), Some("dpupr".into()), 1)]
    );
    assert_eq!(
        r.body["rows"][0]["group_name"],
        "Dinas Pekerjaan Umum dan Penataan Ruang"
    );
    let r = app
        .get("/api/v1/analytics/trends?metric=closed", &planner)
        .await;
    assert_eq!(rows(&r.body), vec![]);

    // CSV with stable columns.
    let r = app
        .get(
            "/api/v1/analytics/trends?from=2026-01-01&to=2026-02-28&format=csv",
            &planner,
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.content_type().starts_with("text/csv"),
        "{}",
        r.content_type()
    );
    assert_eq!(
        r.text,
        "bucket,group,group_name,count\n2026-01,jalan,Jalan rusak,1\n2026-02,jalan,Jalan rusak,1\n2026-02,sampah,Sampah,1\n"
    );

    // XLSX: one sheet with the same columns and cells (counts as numbers).
    let r = app
        .get(
            "/api/v1/analytics/trends?from=2026-01-01&to=2026-02-28&format=xlsx",
            &planner,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.content_type(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(r.bytes.clone())).unwrap();
    let read = |book: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut book.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let sheet = read(&mut book, "xl/worksheets/sheet1.xml");
    let strings = read(&mut book, "xl/sharedStrings.xml");
    for text in [
        "bucket",
        "group_name",
        "2026-01",
        "jalan",
        "Jalan rusak",
        "sampah",
    ] {
        assert!(
            strings.contains(&format!(">{text}<")),
            "{text} in {strings}"
        );
    }
    for row in 2..=4 {
        assert!(
            sheet.contains(&format!("<c r=\"D{row}\"><v>1</v>")),
            "a numeric count in {sheet}"
        );
    }
    assert!(!sheet.contains("r=\"A5\""), "three rows after the header");
    assert!(read(&mut book, "xl/workbook.xml").contains("name=\"trends\""));

    // Who may, and what is refused.
    for token in [&admin, &coord] {
        assert_eq!(app.get("/api/v1/analytics/trends", token).await.status, 200);
    }
    app.get("/api/v1/analytics/trends", &pic)
        .await
        .assert_problem(403, "forbidden");
    for bad in [
        "bucket=year",
        "group_by=desa",
        "metric=opened",
        "from=2026-03-01&to=2026-01-01",
        "from=2010-01-01&to=2026-01-01",
        "format=pdf",
        "from=yesterday",
    ] {
        app.get(&format!("/api/v1/analytics/trends?{bad}"), &planner)
            .await
            .assert_problem(400, "invalid_query");
    }
}

/// Where a synthetic ticket is and who has it.
#[derive(Default)]
struct Spot<'a> {
    category: Option<&'a str>,
    region: Option<&'a str>,
    agency: Option<&'a str>,
    lat: Option<f64>,
    lng: Option<f64>,
}

fn ticket_with(app: &TestApp, at: chrono::DateTime<Utc>, spot: Spot) -> String {
    let id = ticket_at(app, &at.to_rfc3339(), spot.category, spot.region);
    let agency = spot
        .agency
        .map(|a| format!("'{a}'"))
        .unwrap_or("NULL".into());
    let coords = match (spot.lat, spot.lng) {
        (Some(a), Some(b)) => format!("{a}, lng = {b}"),
        _ => "NULL, lng = NULL".into(),
    };
    let status = if spot.agency.is_some() {
        "routed"
    } else {
        "new"
    };
    let mut conn = app.state.db.conn().unwrap();
    use diesel::connection::SimpleConnection;
    let sql = format!(
        "UPDATE tickets SET agency_id = {agency}, status = '{status}', lat = {coords} WHERE id = '{id}'"
    );
    match &mut *conn {
        aduan::db::DbConnection::Postgres(c) => c.batch_execute(&sql).unwrap(),
        aduan::db::DbConnection::Sqlite(c) => c.batch_execute(&sql).unwrap(),
    }
    let jur: String = {
        use aduan::db::schema::tickets;
        use diesel::prelude::*;
        tickets::table
            .filter(tickets::id.eq(&id))
            .select(tickets::jurisdiction_id)
            .first(&mut *conn)
            .unwrap()
    };
    aduan::service::projections::rebuild(&mut conn, &jur, chrono_tz::Asia::Jakarta).unwrap();
    id
}

fn table(v: &Value, key: &str, cols: &[&str]) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            cols.iter()
                .map(|c| match &r[*c] {
                    Value::Null => "-".to_string(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

async fn breakdowns(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, planner) = app.user_in(&admin, "planner", "bp4d", None).await;
    let (_, pic) = app.user_in(&admin, "pic", "dpupr", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, dinkes_head) = app.user_in(&admin, "agency_head", "dinkes", None).await;
    let (_, dpupr_head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let dinkes = app.agency_id(&admin, "dinkes").await;
    let jalan = id_of(&app, &admin, "/api/v1/categories?q=jalan&limit=1").await;
    let sampah = id_of(&app, &admin, "/api/v1/categories?q=sampah").await;
    let kecamatan = id_of(&app, &admin, "/api/v1/regions?q=jalancagak&level=kecamatan").await;
    let now = Utc::now();
    let days = |n: i64| now - chrono::Duration::days(n);

    // Backlog: ages 1 (not routed), 10 and 70 days (DPUPR), and 5 days (Dinkes).
    ticket_with(&app, days(1), Spot::default());
    ticket_with(
        &app,
        days(10),
        Spot {
            agency: Some(&dpupr),
            ..Default::default()
        },
    );
    ticket_with(
        &app,
        days(70),
        Spot {
            agency: Some(&dpupr),
            ..Default::default()
        },
    );
    ticket_with(
        &app,
        days(5),
        Spot {
            agency: Some(&dinkes),
            ..Default::default()
        },
    );
    // At the edges of the bands (an hour inside each): 3 days 23 hours is 0-3, 60 days 23
    // hours is 31-60, 61 days and an hour is 61+.
    let dlh = app.agency_id(&admin, "dlh").await;
    let hours = |n: i64| now - chrono::Duration::hours(n);
    for at in [hours(4 * 24 - 1), hours(61 * 24 - 1), hours(61 * 24 + 1)] {
        ticket_with(
            &app,
            at,
            Spot {
                agency: Some(&dlh),
                ..Default::default()
            },
        );
    }
    let r = app.get("/api/v1/analytics/backlog", &planner).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        table(&r.body, "rows", &["agency", "age_band", "count"]),
        vec![
            "- 0-3 1",
            "dinkes 4-7 1",
            "dlh 0-3 1",
            "dlh 31-60 1",
            "dlh 61+ 1",
            "dpupr 8-14 1",
            "dpupr 61+ 1"
        ]
    );
    // They were for the backlog only: taken away with their projections.
    {
        let mut conn = app.state.db.conn().unwrap();
        use aduan::db::schema::{recap_facts, tickets};
        use diesel::prelude::*;
        let ids = tickets::table
            .filter(tickets::agency_id.eq(&dlh))
            .select(tickets::id);
        diesel::delete(recap_facts::table.filter(recap_facts::ticket_id.eq_any(ids)))
            .execute(&mut *conn)
            .unwrap();
        diesel::delete(tickets::table.filter(tickets::agency_id.eq(&dlh)))
            .execute(&mut *conn)
            .unwrap();
        let jur = aduan::db::models::jurisdiction::first(&mut conn)
            .unwrap()
            .unwrap();
        aduan::service::projections::rebuild(&mut conn, &jur.id, jur.tz()).unwrap();
    }

    // Hotspots: three road complaints within ~100 m of each other in Jalancagak, one rubbish.
    for (lat, lng) in [
        (-6.65831, 107.67719),
        (-6.65849, 107.6774),
        (-6.6583, 107.6772),
    ] {
        ticket_with(
            &app,
            days(2),
            Spot {
                category: Some(&jalan),
                region: Some(&kecamatan),
                lat: Some(lat),
                lng: Some(lng),
                ..Default::default()
            },
        );
    }
    ticket_with(
        &app,
        days(2),
        Spot {
            category: Some(&sampah),
            region: Some(&kecamatan),
            lat: Some(-6.7),
            lng: Some(107.7),
            ..Default::default()
        },
    );
    let r = app
        .get(
            &format!(
                "/api/v1/analytics/hotspots?from={}",
                days(3).format("%Y-%m-%d")
            ),
            &planner,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        table(&r.body, "areas", &["region", "category", "count"]),
        vec!["jalancagak jalan 3", "- - 1", "jalancagak sampah 1"]
    );
    assert_eq!(
        table(&r.body, "repeated", &["category", "lat", "long", "count"]),
        vec!["jalan -6.658 107.677 3"]
    );
    let r = app
        .get(
            &format!(
                "/api/v1/analytics/hotspots?from={}&format=csv&table=repeated",
                days(3).format("%Y-%m-%d")
            ),
            &planner,
        )
        .await;
    assert_eq!(r.text, "category,lat,long,count\njalan,-6.658,107.677,3\n");

    // SLA: one ticket replied to and routed, one left alone.
    let file = |n: &str, category: &str| json!({"source": {"platform": "instagram", "comment_url": format!("https://www.instagram.com/p/B/c/{n}/"), "text": "aduan"}, "category": category});
    let a = app
        .post("/api/v1/tickets", &pic, file("1", "jalan"))
        .await
        .id();
    app.post("/api/v1/tickets", &pic, file("2", "sampah")).await;
    let ok = |r: common::Resp| assert!(r.status.is_success(), "{}", r.text);
    ok(app
        .post(
            &format!("/api/v1/tickets/{a}/replies"),
            &pic,
            json!({"reply_url": "https://www.instagram.com/p/B/c/9/"}),
        )
        .await);
    ok(app
        .post(
            &format!("/api/v1/tickets/{a}/route"),
            &coord,
            json!({"agency_id": dinkes}),
        )
        .await);
    let today = now
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .format("%Y-%m-%d")
        .to_string();
    let r = app
        .get(&format!("/api/v1/analytics/sla?from={today}"), &planner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        table(
            &r.body,
            "rows",
            &["clock", "agency", "category", "met", "breached", "running"]
        ),
        vec![
            "first_response - sampah 0 0 1",
            "first_response dinkes jalan 1 0 0",
            "verify - sampah 0 0 1",
            "verify dinkes jalan 1 0 0",
            "follow_up dinkes jalan 0 0 1",
            "resolve dinkes jalan 0 0 1",
        ]
    );

    // Routing: Dinkes returns it, DPUPR gets it and returns it, Dinkes gets it again.
    ok(app
        .post(
            &format!("/api/v1/tickets/{a}/return"),
            &dinkes_head,
            json!({"reason": "bukan kewenangan"}),
        )
        .await);
    ok(app
        .post(
            &format!("/api/v1/tickets/{a}/route"),
            &coord,
            json!({"agency_id": dpupr}),
        )
        .await);
    ok(app
        .post(
            &format!("/api/v1/tickets/{a}/return"),
            &dpupr_head,
            json!({"reason": "wewenang Dinkes"}),
        )
        .await);
    ok(app
        .post(
            &format!("/api/v1/tickets/{a}/route"),
            &coord,
            json!({"agency_id": dinkes}),
        )
        .await);
    let r = app
        .get(&format!("/api/v1/analytics/routing?from={today}"), &planner)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        table(
            &r.body,
            "rows",
            &[
                "from_agency",
                "to_agency",
                "returns",
                "reroutes",
                "ping_pong"
            ]
        ),
        vec!["dinkes dpupr 1 1 true", "dpupr dinkes 1 1 true"]
    );
    let r = app
        .get(
            &format!("/api/v1/analytics/routing?from={today}&format=csv"),
            &planner,
        )
        .await;
    assert_eq!(
        r.text,
        "from_agency,to_agency,returns,reroutes,ping_pong\ndinkes,dpupr,1,1,true\ndpupr,dinkes,1,1,true\n"
    );

    for path in ["backlog", "sla", "hotspots", "routing"] {
        app.get(&format!("/api/v1/analytics/{path}"), &pic)
            .await
            .assert_problem(403, "forbidden");
        app.get(&format!("/api/v1/analytics/{path}?format=xml"), &planner)
            .await
            .assert_problem(400, "invalid_query");
    }
    app.get("/api/v1/analytics/hotspots?limit=0", &planner)
        .await
        .assert_problem(400, "invalid_query");
}

on_both_backends!(trends, breakdowns);
