//! The recap preview on SQLite and PostgreSQL: a small story whose figures, scores and ranks are
//! worked out by hand below.

mod common;

use chrono::{Duration, Utc};
use common::TestApp;
use serde_json::{json, Value};

fn line<'a>(recap: &'a Value, table: &str, key: &str) -> &'a Value {
    recap[table]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {table}"))
}

fn sorted(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

async fn recap_by_hand(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic_dinkes) = app.user_in(&admin, "pic", "dinkes", None).await;
    let (_, pic_dpupr) = app.user_in(&admin, "pic", "dpupr", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, dinkes_head) = app.user_in(&admin, "agency_head", "dinkes", None).await;
    let (_, dpupr_head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let (_, leader) = app.user_in(&admin, "leader", "setda.prokompim", None).await;
    let (_, planner) = app.user_in(&admin, "planner", "bp4d", None).await;
    let dinkes = app.agency_id(&admin, "dinkes").await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let division = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;
    let ok = |r: common::Resp| {
        assert!(r.status.is_success(), "{}", r.text);
        r.id()
    };
    let file = |n: &str| json!({"source": {"platform": "instagram", "comment_url": format!("https://www.instagram.com/p/R/c/1803456789{n:0>7}/"), "text": format!("aduan {n}")}, "category": "jalan"});
    let act = |id: &str, action: &str| format!("/api/v1/tickets/{id}/{action}");

    // Dinkes's PIC files T1 and T2 and answers T1 at once; DPUPR's PIC files T3.
    let t1 = ok(app.post("/api/v1/tickets", &pic_dinkes, file("1")).await);
    let t2 = ok(app.post("/api/v1/tickets", &pic_dinkes, file("2")).await);
    let t3 = ok(app.post("/api/v1/tickets", &pic_dpupr, file("3")).await);
    ok(app
        .post(
            &act(&t1, "replies"),
            &pic_dinkes,
            json!({"reply_url": "https://www.instagram.com/p/R/c/9/"}),
        )
        .await);
    // T1 goes to DPUPR, which assigns, works and resolves it; Dinkes's PIC closes it.
    ok(app
        .post(&act(&t1, "route"), &coord, json!({"agency_id": dpupr}))
        .await);
    ok(app
        .post(
            &act(&t1, "assign"),
            &dpupr_head,
            json!({"division_id": division}),
        )
        .await);
    ok(app.post(&act(&t1, "start"), &divhead, json!({})).await);
    ok(app
        .post(
            &act(&t1, "resolve"),
            &divhead,
            json!({"summary": "Ditambal", "no_visit_reason": "rekanan"}),
        )
        .await);
    ok(app
        .post(
            &act(&t1, "close"),
            &pic_dinkes,
            json!({"reply_url": "https://www.instagram.com/p/R/c/10/"}),
        )
        .await);
    // T2 goes to Dinkes, which returns it (bukan kewenangan).
    ok(app
        .post(&act(&t2, "route"), &coord, json!({"agency_id": dinkes}))
        .await);
    ok(app
        .post(
            &act(&t2, "return"),
            &dinkes_head,
            json!({"reason": "bukan kewenangan"}),
        )
        .await);
    // Dinkes's PIC patrolled twice yesterday and reposted once.
    let yesterday = (Utc::now() + Duration::hours(7)).date_naive() - Duration::days(1);
    let today = yesterday + Duration::days(1);
    let accounts = app.get("/api/v1/accounts?platform=instagram", &admin).await;
    let account = accounts.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut patrols = vec![];
    for slot in ["13:00", "17:00"] {
        patrols.push(ok(app
            .post(
                "/api/v1/patrols",
                &pic_dinkes,
                json!({"slot": slot, "started_at": format!("{yesterday}T{slot}:00+07:00"), "accounts_checked": [account]}),
            )
            .await));
    }
    let repost = ok(app
        .post(
            "/api/v1/activities",
            &pic_dinkes,
            json!({"kind": "repost", "url": "https://www.instagram.com/p/Recap1/", "account_id": account, "posted_at": (Utc::now() - Duration::minutes(5)).to_rfc3339()}),
        )
        .await);

    let r = app
        .get(
            &format!("/api/v1/recaps/preview?from={yesterday}&to={today}&evidence=true"),
            &leader,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let recap = r.body;
    // Without `evidence=true` the same figures without the ids; `key` narrows to one line.
    let plain = app
        .get(
            &format!("/api/v1/recaps/preview?from={yesterday}&to={today}"),
            &leader,
        )
        .await;
    assert!(plain.body["agencies"][0].get("evidence").is_none());
    assert_eq!(
        plain.body["agencies"][0]["score"],
        recap["agencies"][0]["score"]
    );
    let one = app
        .get(
            &format!("/api/v1/recaps/preview?from={yesterday}&to={today}&evidence=true&key=dpupr"),
            &leader,
        )
        .await;
    assert_eq!(one.body["agencies"].as_array().unwrap().len(), 1);
    assert_eq!(
        one.body["agencies"][0],
        line(&recap, "agencies", "dpupr").clone()
    );
    assert_eq!(one.body["pics"], json!([]));

    // Dinkes: filed 2 (1 answered in time), received 1, returned 1, resolved 0, closed 1,
    // clocks 1 met (T1's first_response; T2's follow_up left with its agency), patrols 2 of
    // 3 slots × 2 days × 1 PIC, 1 post in 2 days. Score: (30·½ + 25·0 + 20·1 + 15·⅓ + 10·½) = 45.
    let d = line(&recap, "agencies", "dinkes");
    let figures = |l: &Value| {
        [
            "filed",
            "received",
            "returned",
            "resolved",
            "closed_with_reply",
            "clocks_met",
            "clocks_breached",
            "patrols_done",
            "patrols_expected",
            "reposts",
            "content",
        ]
        .map(|k| l[k].as_i64().unwrap())
    };
    assert_eq!(figures(d), [2, 1, 1, 0, 1, 1, 0, 2, 6, 1, 0]);
    assert_eq!(
        (
            d["response"].as_f64(),
            d["completion"].as_f64(),
            d["clocks"].as_f64(),
            d["activity"].as_f64()
        ),
        (Some(0.5), Some(0.0), Some(1.0), Some(0.5))
    );
    assert_eq!(d["score"], 45.0);
    assert_eq!(sorted(&d["evidence"]["filed"]), {
        let mut v = vec![t1.clone(), t2.clone()];
        v.sort();
        v
    });
    assert_eq!(sorted(&d["evidence"]["returned"]), vec![t2.clone()]);
    assert_eq!(
        sorted(&d["evidence"]["closed_with_reply"]),
        vec![t1.clone()]
    );
    assert_eq!(sorted(&d["evidence"]["patrols"]), {
        let mut v = patrols.clone();
        v.sort();
        v
    });
    assert_eq!(sorted(&d["evidence"]["reposts"]), vec![repost.clone()]);
    assert_eq!(
        sorted(&d["evidence"]["clocks_met"]),
        vec![format!("{t1}:first_response")]
    );

    // DPUPR: filed 1 (unanswered), received 1, resolved 1, clocks 2 met (T1's follow_up and
    // resolve), no patrols or posts: (30·0 + 25·1 + 20·1 + 15·0 + 10·0) = 45 — a tie with Dinkes.
    let p = line(&recap, "agencies", "dpupr");
    assert_eq!(figures(p), [1, 1, 0, 1, 0, 2, 0, 0, 6, 0, 0]);
    assert_eq!(p["score"], 45.0);
    assert_eq!(sorted(&p["evidence"]["filed"]), vec![t3.clone()]);
    // Ties share a rank; agencies with nothing to judge but posts score 0.
    let ranks: Vec<(String, i64)> = recap["agencies"].as_array().unwrap()[..3]
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_string(),
                l["rank"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranks[..2],
        [("dinkes".to_string(), 1), ("dpupr".to_string(), 1)]
    );
    assert_eq!(ranks[2].1, 3);
    assert_eq!(line(&recap, "agencies", "dishub")["score"], 0.0);

    // PICs: judged on response, clocks, patrols and posts (completion is the agency's).
    // Dinkes's PIC: (30·½ + 20·1 + 15·⅓ + 10·½) ÷ 75 = 60; DPUPR's: 0.
    let pics = recap["pics"].as_array().unwrap();
    assert_eq!(pics.len(), 2);
    assert_eq!(
        (
            pics[0]["agency"].as_str(),
            pics[0]["score"].as_f64(),
            pics[0]["rank"].as_i64()
        ),
        (Some("dinkes"), Some(60.0), Some(1))
    );
    assert!(pics[0]["completion"].is_null());
    assert_eq!(
        (
            pics[1]["agency"].as_str(),
            pics[1]["score"].as_f64(),
            pics[1]["rank"].as_i64()
        ),
        (Some("dpupr"), Some(0.0), Some(2))
    );

    // CSV of the agencies; the PICs' table as XLSX.
    let csv = app
        .get(
            &format!("/api/v1/recaps/preview?from={yesterday}&to={today}&format=csv"),
            &coord,
        )
        .await;
    let mut lines = csv.text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("rank,key,name,agency,score,response,completion"));
    assert!(lines.next().unwrap().starts_with(
        "1,dinkes,Dinas Kesehatan,,45.00,0.5000,0.0000,1.0000,0.3333,0.5000,2,1,1,0,1,"
    ));
    let x = app
        .get(
            &format!("/api/v1/recaps/preview?from={yesterday}&to={today}&format=xlsx&table=pics"),
            &admin,
        )
        .await;
    assert_eq!(x.status, 200);
    assert!(x.bytes.starts_with(b"PK"));

    // The default period is the fortnight from the anchor Monday that holds today.
    let r = app.get("/api/v1/recaps/preview", &leader).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let from =
        chrono::NaiveDate::parse_from_str(r.body["from"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let to = chrono::NaiveDate::parse_from_str(r.body["to"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!((to - from).num_days(), 13);
    assert_eq!(chrono::Datelike::weekday(&from), chrono::Weekday::Mon);
    assert!(from <= today && today <= to);

    app.get("/api/v1/recaps/preview", &planner)
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/recaps/preview", &pic_dinkes)
        .await
        .assert_problem(403, "forbidden");
    app.get(
        "/api/v1/recaps/preview?from=2026-01-01&to=2026-12-31",
        &leader,
    )
    .await
    .assert_problem(400, "invalid_query");
    app.get("/api/v1/recaps/preview?table=users", &leader)
        .await
        .assert_problem(400, "invalid_query");
}

async fn put(app: &TestApp, token: &str, body: Value) -> common::Resp {
    app.call(
        actix_web::http::Method::PUT,
        "/api/v1/recaps/weights",
        Some(token),
        Some(body),
    )
    .await
}

/// A frozen recap keeps its numbers (and weights) whatever happens later; the weights are
/// configurable; snapshots are listed, downloaded and drilled down.
async fn frozen_recaps_and_weights(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "dinkes", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (leader_id, leader) = app.user_in(&admin, "leader", "setda.prokompim", None).await;
    let (_, planner) = app.user_in(&admin, "planner", "bp4d", None).await;
    let ok = |r: common::Resp| {
        assert!(r.status.is_success(), "{}", r.text);
        r.id()
    };
    let file = |n: &str| json!({"source": {"platform": "instagram", "comment_url": format!("https://www.instagram.com/p/S/c/1803456790{n:0>7}/"), "text": format!("aduan {n}")}, "category": "jalan"});
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive();
    let yesterday = today - Duration::days(1);
    let period = json!({"from": yesterday, "to": today});

    // Dinkes's PIC files T1 and T2 and answers T1 at once.
    let t1 = ok(app.post("/api/v1/tickets", &pic, file("1")).await);
    let t2 = ok(app.post("/api/v1/tickets", &pic, file("2")).await);
    ok(app
        .post(
            &format!("/api/v1/tickets/{t1}/replies"),
            &pic,
            json!({"reply_url": "https://www.instagram.com/p/S/c/9/"}),
        )
        .await);

    // Weights: the defaults until an admin sets them; bad ones change nothing.
    let w = app.get("/api/v1/recaps/weights", &leader).await;
    assert_eq!(
        w.body,
        json!({"response": 30.0, "completion": 25.0, "clocks": 20.0, "patrols": 15.0, "activity": 10.0})
    );
    let only_response =
        json!({"response": 1.0, "completion": 0.0, "clocks": 0.0, "patrols": 0.0, "activity": 0.0});
    put(&app, &coord, only_response.clone())
        .await
        .assert_problem(403, "forbidden");
    let r = put(
        &app,
        &admin,
        json!({"response": -1, "completion": 0, "clocks": 1e9, "patrols": 0, "activity": 0}),
    )
    .await;
    r.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["response", "clocks"]);
    put(
        &app,
        &admin,
        json!({"response": 0, "completion": 0, "clocks": 0, "patrols": 0, "activity": 0}),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(app.get("/api/v1/recaps/weights", &admin).await.body, w.body);

    // Freezing: leader, coordinator, admin only; a refused request stores nothing.
    for token in [&planner, &pic] {
        app.post("/api/v1/recaps", token, period.clone())
            .await
            .assert_problem(403, "forbidden");
    }
    app.post(
        "/api/v1/recaps",
        &leader,
        json!({"from": "2026-01-01", "to": "2026-12-31"}),
    )
    .await
    .assert_problem(400, "invalid_query");
    assert_eq!(app.count("recaps"), 0);

    // S1 with the default weights. Dinkes: response ½ (30), clocks 1 met (20), patrols 0 of
    // 1 PIC × 3 slots × 2 days (15), no posts (10), nothing received (completion left out):
    // 100 × (15 + 20) ÷ 75 = 46.67.
    let r = app.post("/api/v1/recaps", &leader, period.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let s1 = r.body.clone();
    let s1_id = s1["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("/api/v1/recaps/{s1_id}").as_str())
    );
    assert_eq!(s1["created_by"], leader_id.as_str());
    assert_eq!(s1["complete"], false);
    assert_eq!(s1["recap"]["weights"], w.body);
    let d = line(&s1["recap"], "agencies", "dinkes");
    assert_eq!(d["filed"], 2);
    assert_eq!(d["patrols_expected"], 6);
    // (Scores are given to two decimals.)
    assert_eq!(d["score"], 46.67, "{d}");

    // New weights, and a third ticket after the freeze.
    let r = put(&app, &admin, only_response.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let t3 = ok(app.post("/api/v1/tickets", &pic, file("3")).await);

    // The preview moves (3 filed, 1 answered in time, response only: 33.33)…
    let p = app
        .get(
            &format!("/api/v1/recaps/preview?from={yesterday}&to={today}"),
            &leader,
        )
        .await;
    let d = line(&p.body, "agencies", "dinkes");
    assert_eq!(d["filed"], 3);
    assert_eq!(d["score"], 33.33, "{d}");
    assert_eq!(p.body["weights"]["completion"], 0.0);
    // …the snapshot does not: the same body, weights and score as when it was frozen.
    let g = app.get(&format!("/api/v1/recaps/{s1_id}"), &coord).await;
    assert_eq!(g.status, 200, "{}", g.text);
    assert_eq!(g.body, s1);
    // With the ids behind the figures (frozen too): T1 and T2, not T3.
    let e = app
        .get(
            &format!("/api/v1/recaps/{s1_id}?evidence=true&key=dinkes"),
            &coord,
        )
        .await;
    assert_eq!(e.body["recap"]["agencies"].as_array().unwrap().len(), 1);
    assert_eq!(
        sorted(&e.body["recap"]["agencies"][0]["evidence"]["filed"]),
        {
            let mut v = vec![t1.clone(), t2.clone()];
            v.sort();
            v
        }
    );
    assert!(s1["recap"]["agencies"][0].get("evidence").is_none());

    // The database itself refuses to change or delete a frozen recap.
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.state.db.conn().unwrap();
        for sql in [
            format!("UPDATE recaps SET body = '{{}}' WHERE id = '{s1_id}'"),
            format!("DELETE FROM recaps WHERE id = '{s1_id}'"),
        ] {
            let refused = match &mut *conn {
                aduan::db::DbConnection::Postgres(c) => c.batch_execute(&sql).is_err(),
                aduan::db::DbConnection::Sqlite(c) => c.batch_execute(&sql).is_err(),
            };
            assert!(refused, "{sql} was allowed");
        }
    }
    assert_eq!(
        app.get(&format!("/api/v1/recaps/{s1_id}"), &admin)
            .await
            .body,
        s1
    );

    // S2 of the same period has today's numbers and weights.
    let r = app.post("/api/v1/recaps", &coord, period.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let s2_id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["recap"]["agencies"], p.body["agencies"]);
    assert_eq!(r.body["recap"]["weights"], only_response);

    // Lists: newest first, by a day they cover, paged.
    let l = app.get("/api/v1/recaps", &leader).await;
    let ids: Vec<&str> = l.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [s2_id.as_str(), s1_id.as_str()]);
    assert!(l.body["items"][0].get("recap").is_none());
    let page = app.get("/api/v1/recaps?limit=1", &leader).await;
    assert_eq!(page.body["items"][0]["id"], s2_id.as_str());
    let next = page.body["next_cursor"].as_str().unwrap();
    let page2 = app
        .get(&format!("/api/v1/recaps?limit=1&cursor={next}"), &leader)
        .await;
    assert_eq!(page2.body["items"][0]["id"], s1_id.as_str());
    assert!(page2.body["next_cursor"].is_null());
    let covering = app
        .get(&format!("/api/v1/recaps?covering={yesterday}"), &leader)
        .await;
    assert_eq!(covering.body["items"].as_array().unwrap().len(), 2);
    let none = app.get("/api/v1/recaps?covering=2020-01-01", &leader).await;
    assert_eq!(none.body["items"], json!([]));
    app.get("/api/v1/recaps", &planner)
        .await
        .assert_problem(403, "forbidden");

    // Downloads of the frozen numbers, and the drill-down as a table: S1 names T1 and T2
    // behind Dinkes's filed figure, and not T3.
    let csv = app
        .get(&format!("/api/v1/recaps/{s1_id}?format=csv"), &leader)
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.text.starts_with("rank,key,name,agency,score,"));
    assert!(csv.text.contains(",dinkes,Dinas Kesehatan,,46.67,0.5000,"));
    let ev = app
        .get(
            &format!("/api/v1/recaps/{s1_id}?format=csv&table=evidence"),
            &leader,
        )
        .await;
    assert!(ev.text.starts_with("table,key,figure,id\n"), "{}", ev.text);
    for t in [&t1, &t2] {
        assert!(ev.text.contains(&format!("agencies,dinkes,filed,{t}")));
    }
    assert!(ev
        .text
        .contains(&format!("agencies,dinkes,replied_in_time,{t1}")));
    assert!(!ev.text.contains(&t3));
    let x = app
        .get(
            &format!("/api/v1/recaps/{s1_id}?format=xlsx&table=pics"),
            &leader,
        )
        .await;
    assert_eq!(x.status, 200);
    assert!(x.bytes.starts_with(b"PK"));
    app.get(&format!("/api/v1/recaps/{s1_id}?table=users"), &leader)
        .await
        .assert_problem(400, "invalid_query");
    app.get(
        "/api/v1/recaps/0190a0a0-0000-7000-8000-000000000000",
        &leader,
    )
    .await
    .assert_problem(404, "not_found");
    app.get("/api/v1/recaps/not-a-recap", &leader)
        .await
        .assert_problem(404, "not_found");
}

on_both_backends!(recap_by_hand, frozen_recaps_and_weights);
