//! PIC duties over HTTP on SQLite and PostgreSQL: patrol check-ins against their slot windows,
//! the slots' configuration, and the activity log.

mod common;

use actix_web::test::TestRequest;
use chrono::{Duration, Utc};
use common::TestApp;
use serde_json::{json, Value};

/// `HH:MM` on yesterday's date in WIB, as RFC 3339.
fn yesterday_at(hm: &str) -> String {
    let day = (Utc::now() + Duration::hours(7)).date_naive() - Duration::days(1);
    format!("{day}T{hm}:00+07:00")
}

fn yesterday() -> String {
    ((Utc::now() + Duration::hours(7)).date_naive() - Duration::days(1)).to_string()
}

async fn account_ids(app: &TestApp, token: &str, platform: &str) -> Vec<String> {
    let r = app
        .get(
            &format!("/api/v1/accounts?platform={platform}&limit=200"),
            token,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

fn ids(r: &common::Resp) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

async fn patrols(app: TestApp) {
    let admin = app.admin_token().await;
    let (pic_id, pic) = app.user_in(&admin, "pic", "dinkes", None).await;
    let (pic2_id, pic2) = app.user_in(&admin, "pic", "dpupr", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, head) = app.user_in(&admin, "agency_head", "dinkes", None).await;
    let (_, planner) = app.user_in(&admin, "planner", "bp4d", None).await;
    let accounts = account_ids(&app, &pic, "instagram").await;
    assert!(accounts.len() >= 2);

    let slots = app.get("/api/v1/patrols/slots", &pic).await;
    assert_eq!(
        slots.body["slots"],
        json!([
            {"name": "13:00", "at": "13:00", "window_minutes": 60},
            {"name": "17:00", "at": "17:00", "window_minutes": 60},
            {"name": "19:00", "at": "19:00", "window_minutes": 60},
        ])
    );

    let check_in = |slot: &str, at: String, accounts: Value| json!({"slot": slot, "started_at": at, "accounts_checked": accounts, "comments_reviewed": 42, "notes": "3 aduan dicatat"});
    let r = app
        .post(
            "/api/v1/patrols",
            &pic,
            check_in(
                "13:00",
                yesterday_at("13:05"),
                json!([accounts[0], accounts[1], accounts[0]]),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["day"], yesterday());
    assert_eq!(r.body["pic_id"], pic_id.as_str());
    assert_eq!(
        r.body["accounts_checked"].as_array().unwrap().len(),
        2,
        "duplicates folded"
    );
    let first = r.id();
    // A second check-in for the same slot and day answers with the first.
    let again = app
        .post(
            "/api/v1/patrols",
            &pic,
            check_in("13:00", yesterday_at("13:40"), json!([accounts[0]])),
        )
        .await;
    assert_eq!((again.status.as_u16(), again.id()), (200, first.clone()));
    // Window edges (13:00 ± 60) and the other refusals, none of which writes anything.
    let before = app.count("patrols");
    for (body, field) in [
        (
            check_in("17:00", yesterday_at("13:05"), json!([accounts[0]])),
            "started_at",
        ),
        (
            check_in("13:00", yesterday_at("14:01"), json!([accounts[0]])),
            "started_at",
        ),
        (
            check_in("09:00", yesterday_at("09:00"), json!([accounts[0]])),
            "slot",
        ),
        (
            check_in(
                "13:00",
                (Utc::now() + Duration::days(1)).to_rfc3339(),
                json!([accounts[0]]),
            ),
            "started_at",
        ),
        (
            check_in("17:00", yesterday_at("17:00"), json!([])),
            "accounts_checked",
        ),
        (
            check_in(
                "17:00",
                yesterday_at("17:00"),
                json!([uuid::Uuid::now_v7()]),
            ),
            "accounts_checked[0]",
        ),
    ] {
        let r = app.post("/api/v1/patrols", &pic, body).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["field"], field, "{}", r.text);
    }
    assert_eq!(app.count("patrols"), before);
    app.post(
        "/api/v1/patrols",
        &coord,
        check_in("17:00", yesterday_at("17:00"), json!([accounts[0]])),
    )
    .await
    .assert_problem(403, "forbidden");
    // 12:00 is the window's first minute.
    let r = app
        .post(
            "/api/v1/patrols",
            &pic2,
            check_in("13:00", yesterday_at("12:00"), json!([accounts[0]])),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let other = r.id();
    let r = app
        .post(
            "/api/v1/patrols",
            &pic2,
            check_in("19:00", yesterday_at("19:59"), json!([accounts[1]])),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let evening = r.id();

    // Lists: jurisdiction roles see all, filtered; agency roles their agency's.
    let all = app
        .get(&format!("/api/v1/patrols?date={}", yesterday()), &coord)
        .await;
    assert_eq!(
        ids(&all),
        vec![evening.clone(), other.clone(), first.clone()]
    );
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let r = app
        .get(
            &format!("/api/v1/patrols?agency_id={dpupr}&limit=1"),
            &coord,
        )
        .await;
    assert_eq!(ids(&r), vec![evening.clone()]);
    let cursor = r.body["next_cursor"].as_str().unwrap();
    let r = app
        .get(
            &format!("/api/v1/patrols?agency_id={dpupr}&limit=1&cursor={cursor}"),
            &coord,
        )
        .await;
    assert_eq!(ids(&r), vec![other.clone()]);
    let r = app
        .get(&format!("/api/v1/patrols?pic_id={pic2_id}"), &coord)
        .await;
    assert_eq!(ids(&r).len(), 2);
    let r = app.get("/api/v1/patrols", &head).await;
    assert_eq!(ids(&r), vec![first.clone()]);
    let r = app.get("/api/v1/patrols", &pic).await;
    assert_eq!(ids(&r), vec![first.clone()]);
    app.get(&format!("/api/v1/patrols?agency_id={dpupr}"), &pic)
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/patrols", &planner)
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/patrols?date=yesterday", &coord)
        .await
        .assert_problem(400, "invalid_query");
    let r = app.get("/api/v1/patrols?date=2020-01-01", &coord).await;
    assert_eq!(ids(&r), Vec::<String>::new());

    // An admin sets other slots; patrols follow them.
    let put = |token: &str, body: Value| {
        TestRequest::put()
            .uri("/api/v1/patrols/slots")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .set_json(body)
    };
    let pagi = json!({"slots": [{"name": "pagi", "at": "08:00", "window_minutes": 30}, {"name": "13:00", "at": "13:00", "window_minutes": 60}]});
    app.send(put(&pic, pagi.clone()))
        .await
        .assert_problem(403, "forbidden");
    for bad in [
        json!({"slots": []}),
        json!({"slots": [{"name": "pagi", "at": "8 pagi", "window_minutes": 30}]}),
        json!({"slots": [{"name": "a", "at": "08:00", "window_minutes": 30}, {"name": "a", "at": "09:00", "window_minutes": 30}]}),
    ] {
        app.send(put(&admin, bad))
            .await
            .assert_problem(422, "validation_failed");
    }
    let r = app.send(put(&admin, pagi)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["slots"][0]["name"], "pagi");
    let r = app
        .post(
            "/api/v1/patrols",
            &pic,
            check_in("pagi", yesterday_at("08:25"), json!([accounts[0]])),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .post(
            "/api/v1/patrols",
            &pic,
            check_in("17:00", yesterday_at("17:00"), json!([accounts[0]])),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "slot");
}

async fn activities(app: TestApp) {
    let admin = app.admin_token().await;
    let (pic_id, pic) = app.user_in(&admin, "pic", "dinkes", None).await;
    let (_, pic2) = app.user_in(&admin, "pic", "dpupr", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let instagram = account_ids(&app, &pic, "instagram").await;
    let posted = (Utc::now() - Duration::hours(2)).to_rfc3339();
    let repost = json!({
        "kind": "repost",
        "url": "https://www.instagram.com/p/DMa1b2c3d4e/?igsh=MWx0dG9rZW4=",
        "account_id": instagram[0],
        "original_url": "https://www.instagram.com/p/DLeader99/",
        "posted_at": posted,
        "title": "Bupati meninjau jalan Jalancagak"
    });
    let r = app.post("/api/v1/activities", &pic, repost.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["recorded_by"], pic_id.as_str());
    assert!(
        !r.body["url"].as_str().unwrap().contains("igsh"),
        "tracking parameters dropped"
    );
    let first = r.id();
    // The same post in another form is the same record.
    let mut same = repost.clone();
    same["url"] = json!("https://instagram.com/p/DMa1b2c3d4e");
    let r = app.post("/api/v1/activities", &pic2, same).await;
    assert_eq!((r.status.as_u16(), r.id()), (200, first.clone()));

    let before = app.count("activities");
    for (patch, field) in [
        (
            json!({"url": "https://www.facebook.com/story.php?id=1"}),
            "url",
        ),
        (json!({"url": "ftp://instagram.com/p/x"}), "url"),
        (json!({"account_id": uuid::Uuid::now_v7()}), "account_id"),
        (json!({"original_url": "not a url"}), "original_url"),
        (
            json!({"posted_at": (Utc::now() + Duration::hours(3)).to_rfc3339(), "url": "https://www.instagram.com/p/Other1/"}),
            "posted_at",
        ),
    ] {
        let mut body = repost.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app.post("/api/v1/activities", &pic, body).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["field"], field, "{}", r.text);
    }
    let mut bad_kind = repost.clone();
    bad_kind["kind"] = json!("story");
    app.post("/api/v1/activities", &pic, bad_kind)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.count("activities"), before);
    app.post("/api/v1/activities", &coord, repost.clone())
        .await
        .assert_problem(403, "forbidden");

    let content = json!({
        "kind": "content",
        "url": "https://www.instagram.com/p/DNewContent1/",
        "account_id": instagram[1],
        "posted_at": posted,
    });
    let r = app.post("/api/v1/activities", &pic2, content).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let second = r.id();

    let r = app.get("/api/v1/activities", &coord).await;
    assert_eq!(ids(&r), vec![second.clone(), first.clone()]);
    let r = app.get("/api/v1/activities?kind=repost", &coord).await;
    assert_eq!(ids(&r), vec![first.clone()]);
    let r = app.get("/api/v1/activities", &pic2).await;
    assert_eq!(ids(&r), vec![second.clone()]);
    let early = (Utc::now() - Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ");
    let r = app
        .get(&format!("/api/v1/activities?posted_after={early}"), &coord)
        .await;
    assert_eq!(ids(&r), Vec::<String>::new());
    app.get("/api/v1/activities?kind=story", &coord)
        .await
        .assert_problem(400, "invalid_query");
}

on_both_backends!(patrols, activities);
