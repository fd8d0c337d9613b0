//! Deadlines on SQLite and PostgreSQL: the calendar API and the due-time endpoint, SLA clocks
//! through every action, holds, policies, breach detection (also by two "instances" at once),
//! withdrawals, and webhooks delivered to a real local receiver (signature, retries).

mod common;

use actix_web::http::Method;
use actix_web::test::TestRequest;
use chrono::{DateTime, Utc};
use common::receiver::{free_port, Receiver};
use common::TestApp;
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

fn comment(id: &str, category: &str) -> Value {
    json!({
        "source": {
            "platform": "instagram",
            "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/{id}/"),
            "text": "Jalan berlubang di depan sekolah, mohon segera diperbaiki"
        },
        "category": category,
        "region": "jalancagak"
    })
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")))
        .unwrap()
        .to_utc()
}

fn clock<'a>(ticket: &'a Value, name: &str) -> &'a Value {
    ticket["clocks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["clock"] == name))
        .unwrap_or_else(|| panic!("no {name} clock in {}", ticket["clocks"]))
}

async fn act(app: &TestApp, token: &str, id: &str, action: &str, body: Value) -> Value {
    let r = app
        .post(&format!("/api/v1/tickets/{id}/{action}"), token, body)
        .await;
    assert!(r.status.is_success(), "{action}: {} {}", r.status, r.text);
    r.body
}

async fn events(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/tickets/{id}/events"), token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["items"].as_array().unwrap().clone()
}

fn sql(app: &TestApp, statement: &str) {
    let mut conn = app.state.db.conn().unwrap();
    let c: &mut aduan::db::DbConnection = &mut conn;
    match c {
        aduan::db::DbConnection::Postgres(pg) => pg.batch_execute(statement).unwrap(),
        aduan::db::DbConnection::Sqlite(lite) => lite.batch_execute(statement).unwrap(),
    }
}

/// Moves a clock's due time into the past (and the ticket's next due time with it), as if its
/// target had run out.
fn expire(app: &TestApp, ticket_id: &str, clock: &str) {
    let past = (Utc::now() - chrono::Duration::seconds(5))
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S%.6f");
    sql(
        app,
        &format!(
            "UPDATE ticket_clocks SET due_at = '{past}' WHERE ticket_id = '{ticket_id}' AND clock = '{clock}';
             UPDATE tickets SET next_due_at = (SELECT MIN(due_at) FROM ticket_clocks
                 WHERE ticket_id = '{ticket_id}' AND stopped_at IS NULL AND state IN ('running', 'breached'))
             WHERE id = '{ticket_id}'"
        ),
    );
}

async fn calendar_and_due_times(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "dpupr", None).await;
    let cal = app.get("/api/v1/calendar", &pic).await;
    assert_eq!(cal.status, 200, "{}", cal.text);
    assert_eq!(
        cal.body,
        json!({"timezone": "Asia/Jakarta", "work_week": "mon_fri", "hold_limit_days": 30})
    );

    // The bundled national calendar is seeded: August 2025 has the 17th and the cuti bersama.
    let aug = app
        .get(
            "/api/v1/calendar/holidays?from=2025-08-01&to=2025-08-31",
            &pic,
        )
        .await;
    let days: Vec<(String, String)> = aug.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["date"].as_str().unwrap().into(),
                h["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        days,
        vec![
            ("2025-08-17".into(), "national".into()),
            ("2025-08-18".into(), "cuti_bersama".into())
        ]
    );
    let year = app
        .get(
            "/api/v1/calendar/holidays?year=2026&kind=cuti_bersama",
            &pic,
        )
        .await;
    assert!(
        year.body["items"].as_array().unwrap().len() >= 5,
        "{}",
        year.text
    );
    assert!(year.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["kind"] == "cuti_bersama" && h["date"].as_str().unwrap().starts_with("2026")));

    // The example, through the one function.
    let due = |q: &str| format!("/api/v1/calendar/due?{q}");
    let r = app
        .get(
            &due("start=2025-08-15T10:00:00%2B07:00&target=3&unit=working_days"),
            &pic,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["due_at"], "2025-08-21T23:59:59+07:00");
    let r = app
        .get(
            &due("start=2025-08-15T03:00:00Z&target=24&unit=hours"),
            &pic,
        )
        .await;
    assert_eq!(r.body["due_at"], "2025-08-16T10:00:00+07:00");
    for bad in [
        "start=yesterday&target=3&unit=working_days",
        "start=2025-08-15T10:00:00Z&target=3&unit=weeks",
        "start=2025-08-15T10:00:00Z&unit=hours",
        "start=2025-08-15T10:00:00Z&target=-1&unit=hours",
        "start=2025-08-15T10:00:00Z&target=99999999&unit=working_days",
    ] {
        app.get(&due(bad), &pic)
            .await
            .assert_problem(400, "invalid_query");
    }

    // Admins keep the calendar; others may not.
    let local =
        json!({"date": "2025-08-19", "kind": "local", "name": "Hari Jadi Kabupaten Subang"});
    app.post("/api/v1/calendar/holidays", &pic, local.clone())
        .await
        .assert_problem(403, "forbidden");
    let made = app
        .post("/api/v1/calendar/holidays", &admin, local.clone())
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["source"], "manual");
    app.post("/api/v1/calendar/holidays", &admin, local.clone())
        .await
        .assert_problem(409, "duplicate_holiday");
    app.post(
        "/api/v1/calendar/holidays",
        &admin,
        json!({"date": "2025-02-30", "kind": "local", "name": "x"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        "/api/v1/calendar/holidays",
        &admin,
        json!({"date": "2025-08-20", "kind": "regional", "name": "x"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    // With the 19th off too, three working days from the 15th end on the 22nd.
    let r = app
        .get(
            &due("start=2025-08-15T10:00:00%2B07:00&target=3&unit=working_days"),
            &pic,
        )
        .await;
    assert_eq!(r.body["due_at"], "2025-08-22T23:59:59+07:00");
    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/v1/calendar/holidays/{}", made.id()),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    app.call(
        Method::DELETE,
        &format!("/api/v1/calendar/holidays/{}", made.id()),
        Some(&admin),
        None,
    )
    .await
    .assert_problem(404, "not_found");

    // A six-day week: Saturday the 16th works.
    let week = app
        .patch("/api/v1/calendar", &admin, json!({"work_week": "mon_sat"}))
        .await;
    assert_eq!(week.status, 200, "{}", week.text);
    let r = app
        .get(
            &due("start=2025-08-15T10:00:00%2B07:00&target=3&unit=working_days"),
            &pic,
        )
        .await;
    assert_eq!(r.body["due_at"], "2025-08-20T23:59:59+07:00");
    app.patch("/api/v1/calendar", &admin, json!({"hold_limit_days": 0}))
        .await
        .assert_problem(422, "validation_failed");
    app.patch("/api/v1/calendar", &pic, json!({"work_week": "mon_fri"}))
        .await
        .assert_problem(403, "forbidden");

    // iCalendar import: all days of each event, cuti bersama recognised, repeats skipped.
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Pemkab//Libur//ID\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20261205\r\nDTEND;VALUE=DATE:20261207\r\nSUMMARY:Hari Jadi Subang\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20261224\r\nSUMMARY:Cuti Bersama Natal (daerah)\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let import = |token: &str, content_type: &str, body: &str| {
        TestRequest::post()
            .uri("/api/v1/calendar/holidays/import")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", content_type.to_string()))
            .set_payload(body.to_string())
    };
    let r = app
        .send(import(&admin, "text/calendar; charset=utf-8", ics))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let added: Vec<(String, String)> = r.body["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["date"].as_str().unwrap().into(),
                h["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        added,
        vec![
            ("2026-12-05".into(), "local".into()),
            ("2026-12-06".into(), "local".into()),
            ("2026-12-24".into(), "cuti_bersama".into()),
        ]
    );
    let again = app.send(import(&admin, "text/calendar", ics)).await;
    assert_eq!(
        (
            again.body["added"].as_array().unwrap().len(),
            &again.body["skipped"]
        ),
        (0, &json!(3))
    );
    app.send(import(&admin, "application/json", ics))
        .await
        .assert_problem(415, "unsupported_media_type");
    let holidays = app.count("holidays");
    app.send(import(&admin, "text/calendar", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261201\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
        .await
        .assert_problem(422, "validation_failed");
    app.send(import(&pic, "text/calendar", ics))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.count("holidays"),
        holidays,
        "refused imports add nothing"
    );
}

/// Every action's effect on the clocks, as the API shows them.
async fn clock_lifecycle(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let (_, dinkes_head) = app.user_in(&admin, "agency_head", "dinkes", None).await;
    let (divhead_id, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let dinkes = app.agency_id(&admin, "dinkes").await;
    let division = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;

    let r = app
        .post("/api/v1/tickets", &pic, comment("1801", "jalan"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let t = r.body;
    let id = t["id"].as_str().unwrap().to_string();
    let filed = time(&t["created_at"]);
    let names: Vec<&str> = t["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clock"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["first_response", "verify"]);
    let fr = clock(&t, "first_response");
    assert_eq!(
        (
            fr["state"].as_str(),
            fr["target"].as_i64(),
            fr["unit"].as_str()
        ),
        (Some("running"), Some(24), Some("hours"))
    );
    assert_eq!(
        time(&fr["due_at"]) - time(&fr["started_at"]),
        chrono::Duration::hours(24)
    );
    assert_eq!(time(&fr["started_at"]), filed);
    // verify: 3 working days, ending at 23:59:59 WIB.
    let verify_due = time(&clock(&t, "verify")["due_at"]);
    assert_eq!(verify_due.format("%H:%M:%S").to_string(), "16:59:59");
    assert_eq!(time(&t["next_due_at"]), time(&fr["due_at"]));

    // An interim reply stops first_response and changes no status.
    let bad = app
        .post(
            &format!("/api/v1/tickets/{id}/replies"),
            &pic,
            json!({"reply_url": "https://facebook.com/x"}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/replies"),
            &pic,
            json!({"reply_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/1802/", "note": "Sudah kami teruskan ke DPUPR"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let t = r.body;
    assert_eq!(t["status"], "new");
    assert_eq!(clock(&t, "first_response")["state"], "met");
    assert_eq!(time(&t["next_due_at"]), verify_due);
    // A second reply is recorded too, and first_response keeps its first stop.
    let stop = clock(&t, "first_response")["stopped_at"].clone();
    let t = act(
        &app,
        &pic,
        &id,
        "replies",
        json!({"reply_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/1803/"}),
    )
    .await;
    assert_eq!(clock(&t, "first_response")["stopped_at"], stop);

    // Routed: verify met; follow_up and resolve start.
    let t = act(&app, &coord, &id, "route", json!({"agency_id": dinkes})).await;
    assert_eq!(clock(&t, "verify")["state"], "met");
    let follow_started = time(&clock(&t, "follow_up")["started_at"]);
    let resolve_started = time(&clock(&t, "resolve")["started_at"]);
    let resolve = clock(&t, "resolve");
    assert_eq!(
        (resolve["target"].as_i64(), resolve["unit"].as_str()),
        (Some(60), Some("calendar_days"))
    );
    // Returned by the wrong agency: follow_up met (the agency acted).
    let t = act(
        &app,
        &dinkes_head,
        &id,
        "return",
        json!({"reason": "bukan kewenangan Dinkes"}),
    )
    .await;
    assert_eq!(clock(&t, "follow_up")["state"], "met");
    // Re-routed: follow_up restarts, resolve keeps its start.
    let t = act(&app, &coord, &id, "route", json!({"agency_id": dpupr})).await;
    let f = clock(&t, "follow_up");
    assert_eq!(f["state"], "running");
    assert!(time(&f["started_at"]) > follow_started);
    assert!(f["stopped_at"].is_null());
    assert_eq!(time(&clock(&t, "resolve")["started_at"]), resolve_started);

    // Hold: clocks pause, only resume/reply/endings are allowed, and the due times move.
    let before_hold = time(&clock(&t, "resolve")["due_at"]);
    let r = app
        .post(&format!("/api/v1/tickets/{id}/hold"), &head, json!({}))
        .await;
    r.assert_problem(422, "validation_failed");
    let t = act(
        &app,
        &head,
        &id,
        "hold",
        json!({"reason": "Menunggu titik lokasi dari pelapor"}),
    )
    .await;
    assert_eq!(clock(&t, "follow_up")["state"], "paused");
    assert_eq!(clock(&t, "resolve")["state"], "paused");
    assert!(t["next_due_at"].is_null());
    assert_eq!(t["hold"]["reason"], "Menunggu titik lokasi dari pelapor");
    assert_eq!(
        time(&t["hold"]["withdraw_at"]) - time(&t["hold"]["since"]),
        chrono::Duration::days(30)
    );
    assert_eq!(t["allowed_actions"], json!(["resume"]));
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/assign"),
            &head,
            json!({"division_id": division}),
        )
        .await;
    r.assert_problem(409, "invalid_transition");
    assert_eq!(r.body["allowed_actions"], json!(["resume"]));
    app.post(
        &format!("/api/v1/tickets/{id}/hold"),
        &head,
        json!({"reason": "again"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    let paused_at = time(&clock(&t, "resolve")["paused_at"]);
    std::thread::sleep(std::time::Duration::from_millis(30));
    let t = act(&app, &head, &id, "resume", json!({})).await;
    assert!(t["hold"].is_null());
    let resumed_at = time(&t["updated_at"]);
    let moved = time(&clock(&t, "resolve")["due_at"]) - before_hold;
    assert_eq!(
        moved,
        resumed_at - paused_at,
        "due time moves by exactly the time on hold"
    );
    assert!(moved >= chrono::Duration::milliseconds(30));
    assert_eq!(clock(&t, "follow_up")["state"], "running");
    app.post(&format!("/api/v1/tickets/{id}/resume"), &head, json!({}))
        .await
        .assert_problem(409, "invalid_transition");

    // Assign stops follow_up; resolve stops resolve; close stops everything.
    let t = act(
        &app,
        &head,
        &id,
        "assign",
        json!({"division_id": division, "assignee_id": divhead_id}),
    )
    .await;
    assert_eq!(clock(&t, "follow_up")["state"], "met");
    act(&app, &divhead, &id, "start", json!({})).await;
    let t = act(
        &app,
        &divhead,
        &id,
        "resolve",
        json!({"summary": "Ditambal", "no_visit_reason": "Dikerjakan rekanan"}),
    )
    .await;
    assert_eq!(clock(&t, "resolve")["state"], "met");
    assert!(t["next_due_at"].is_null());
    let t = act(
        &app,
        &pic,
        &id,
        "close",
        json!({"reply_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/1809/"}),
    )
    .await;
    assert!(t["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| !c["stopped_at"].is_null()));
    // Reopen restarts resolve.
    let t = act(
        &app,
        &coord,
        &id,
        "reopen",
        json!({"reason": "Masih berlubang"}),
    )
    .await;
    let r = clock(&t, "resolve");
    assert_eq!(r["state"], "running");
    assert!(time(&r["started_at"]) > resolve_started);
    assert_eq!(time(&t["next_due_at"]), time(&r["due_at"]));

    // Replies, holds and resumes are in the timeline with who did them.
    let ev = events(&app, &pic, &id).await;
    let kinds: Vec<&str> = ev.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec![
            "file", "reply", "reply", "route", "return", "route", "hold", "resume", "assign",
            "start", "resolve", "close", "reopen"
        ]
    );
    assert_eq!(ev[1]["data"]["note"], "Sudah kami teruskan ke DPUPR");
    assert_eq!(ev[1]["from_status"], ev[1]["to_status"]);
}

async fn lists_by_due_time(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let mut ids = vec![];
    for n in 0..4 {
        let r = app
            .post(
                "/api/v1/tickets",
                &pic,
                comment(&format!("190{n}"), "jalan"),
            )
            .await;
        assert_eq!(r.status, 201);
        ids.push(r.id());
    }
    // The second ticket is overdue; the fourth has no clock still counting.
    expire(&app, &ids[1], "first_response");
    act(
        &app,
        &pic,
        &ids[3],
        "replies",
        json!({"reply_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/1999/"}),
    )
    .await;
    let coord = app
        .user_in(&admin, "coordinator", "diskominfo", None)
        .await
        .1;
    act(
        &app,
        &coord,
        &ids[3],
        "reject",
        json!({"reason": "bukan aduan"}),
    )
    .await;

    let listed = |r: &common::Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    let r = app.get("/api/v1/tickets?overdue=true", &pic).await;
    assert_eq!(listed(&r), vec![ids[1].clone()]);
    // Most urgent first, then by id; a ticket with nothing counting is left out.
    let r = app.get("/api/v1/tickets?sort=due&limit=2", &pic).await;
    assert_eq!(listed(&r), vec![ids[1].clone(), ids[0].clone()]);
    let cursor = r.body["next_cursor"].as_str().unwrap().to_string();
    let r = app
        .get(
            &format!("/api/v1/tickets?sort=due&limit=2&cursor={cursor}"),
            &pic,
        )
        .await;
    assert_eq!(listed(&r), vec![ids[2].clone()]);
    assert!(r.body["next_cursor"].is_null());
    let soon = (Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let r = app
        .get(
            &format!("/api/v1/tickets?due_before={}", soon.replace('+', "%2B")),
            &pic,
        )
        .await;
    assert_eq!(listed(&r), vec![ids[1].clone()]);
    let late = (Utc::now() + chrono::Duration::hours(25))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let r = app
        .get(&format!("/api/v1/tickets?due_before={late}&sort=due"), &pic)
        .await;
    assert_eq!(
        listed(&r),
        vec![ids[1].clone(), ids[0].clone(), ids[2].clone()]
    );
    app.get("/api/v1/tickets?sort=oldest", &pic)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/api/v1/tickets?due_before=soon", &pic)
        .await
        .assert_problem(400, "invalid_query");
    // A newest-first cursor is not a due cursor.
    let newest = app.get("/api/v1/tickets?limit=1", &pic).await;
    let c = newest.body["next_cursor"].as_str().unwrap();
    app.get(&format!("/api/v1/tickets?sort=due&cursor={c}"), &pic)
        .await
        .assert_problem(400, "invalid_cursor");
}

async fn sla_policies(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let r = app.get("/api/v1/sla/policies", &pic).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["default"],
        json!([
            {"clock": "first_response", "enabled": true, "target": 24, "unit": "hours"},
            {"clock": "verify", "enabled": true, "target": 3, "unit": "working_days"},
            {"clock": "follow_up", "enabled": true, "target": 5, "unit": "working_days"},
            {"clock": "resolve", "enabled": true, "target": 60, "unit": "calendar_days"},
        ])
    );
    let put = |path: &str, token: &str, body: Value| {
        TestRequest::put()
            .uri(path)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .set_json(body)
    };
    app.send(put(
        "/api/v1/sla/policies/default",
        &pic,
        json!({"clocks": []}),
    ))
    .await
    .assert_problem(403, "forbidden");
    for bad in [
        json!({"clocks": [{"clock": "verify", "target": 0, "unit": "hours"}]}),
        json!({"clocks": [{"clock": "verify", "target": 2, "unit": "hours"}, {"clock": "verify", "target": 3, "unit": "hours"}]}),
        json!({"clocks": [{"clock": "answer", "target": 2, "unit": "hours"}]}),
        json!({"clocks": [{"clock": "verify", "target": 99999, "unit": "working_days"}]}),
    ] {
        app.send(put("/api/v1/sla/policies/default", &admin, bad))
            .await
            .assert_problem(422, "validation_failed");
    }
    let r = app
        .send(put(
            "/api/v1/sla/policies/default",
            &admin,
            json!({"clocks": [{"clock": "verify", "target": 2, "unit": "working_days"}, {"clock": "first_response", "enabled": false, "target": 24, "unit": "hours"}]}),
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["default"][0]["enabled"], false);
    assert_eq!(r.body["default"][1]["target"], 2);
    let r = app
        .send(put(
            "/api/v1/sla/policies/categories/banjir-drainase",
            &admin,
            json!({"clocks": [{"clock": "first_response", "target": 2, "unit": "hours"}]}),
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["overrides"][0]["category"], "banjir-drainase");
    app.send(put(
        "/api/v1/sla/policies/categories/nope",
        &admin,
        json!({"clocks": []}),
    ))
    .await
    .assert_problem(404, "not_found");

    // A road ticket: no first_response (disabled), verify 2 working days.
    let road = app
        .post("/api/v1/tickets", &pic, comment("2001", "jalan"))
        .await
        .body;
    let names: Vec<&str> = road["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clock"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["verify"]);
    assert_eq!(clock(&road, "verify")["target"], 2);
    // A flood ticket: its own first_response of 2 hours, the default verify.
    let flood = app
        .post("/api/v1/tickets", &pic, comment("2002", "banjir-drainase"))
        .await
        .body;
    let fr = clock(&flood, "first_response");
    assert_eq!(
        (fr["target"].as_i64(), fr["unit"].as_str()),
        (Some(2), Some("hours"))
    );
    assert_eq!(clock(&flood, "verify")["target"], 2);

    let gone = app
        .call(
            Method::DELETE,
            "/api/v1/sla/policies/categories/banjir-drainase",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    app.call(
        Method::DELETE,
        "/api/v1/sla/policies/categories/banjir-drainase",
        Some(&admin),
        None,
    )
    .await
    .assert_problem(404, "not_found");
}

/// A clock past due is marked breached once, with one event, however many ticks run — also
/// two at the same moment, as two instances sharing the database would.
async fn breach_detection(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let mut ids = vec![];
    for n in 0..6 {
        ids.push(
            app.post(
                "/api/v1/tickets",
                &pic,
                comment(&format!("300{n}"), "jalan"),
            )
            .await
            .id(),
        );
    }
    assert_eq!(
        aduan::jobs::escalation::tick(&app.state)
            .await
            .unwrap()
            .breached,
        0
    );
    for id in &ids {
        expire(&app, id, "first_response");
    }
    let events_before = app.count("ticket_events");
    let other = app.state.clone();
    let (a, b) = futures_util::future::join(
        aduan::jobs::escalation::tick(&app.state),
        aduan::jobs::escalation::tick(&other),
    )
    .await;
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.breached + b.breached, 6, "{a:?} {b:?}");
    assert_eq!(app.count("ticket_events"), events_before + 6);
    assert_eq!(
        aduan::jobs::escalation::tick(&app.state)
            .await
            .unwrap()
            .breached,
        0
    );
    assert_eq!(app.count("ticket_events"), events_before + 6);

    let t = app
        .get(&format!("/api/v1/tickets/{}", ids[0]), &pic)
        .await
        .body;
    assert_eq!(clock(&t, "first_response")["state"], "breached");
    assert_eq!(clock(&t, "verify")["state"], "running");
    // Still counting towards its stop: the ticket is overdue until someone replies.
    let overdue = app
        .get("/api/v1/tickets?overdue=true&limit=200", &pic)
        .await;
    assert_eq!(overdue.body["items"].as_array().unwrap().len(), 6);
    let ev = events(&app, &pic, &ids[0]).await;
    let last = ev.last().unwrap();
    assert_eq!(last["action"], "sla_breached");
    assert!(last["actor"].is_null());
    assert_eq!(last["data"]["clock"], "first_response");
    assert_eq!(t["version"], 2);
    // A late reply stops it; it stays breached.
    let t = act(
        &app,
        &pic,
        &ids[0],
        "replies",
        json!({"reply_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/3999/"}),
    )
    .await;
    let fr = clock(&t, "first_response");
    assert_eq!(fr["state"], "breached");
    assert!(!fr["stopped_at"].is_null());
    let overdue = app
        .get("/api/v1/tickets?overdue=true&limit=200", &pic)
        .await;
    assert_eq!(overdue.body["items"].as_array().unwrap().len(), 5);
}

async fn hold_expires_into_withdrawal(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let id = app
        .post("/api/v1/tickets", &pic, comment("4001", "jalan"))
        .await
        .id();
    act(
        &app,
        &pic,
        &id,
        "hold",
        json!({"reason": "Menunggu foto dari pelapor"}),
    )
    .await;
    assert_eq!(
        aduan::jobs::escalation::tick(&app.state)
            .await
            .unwrap()
            .withdrawn,
        0
    );
    let past = (Utc::now() - chrono::Duration::days(31))
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S%.6f");
    sql(
        &app,
        &format!("UPDATE ticket_holds SET held_at = '{past}' WHERE ticket_id = '{id}'"),
    );
    let tick = aduan::jobs::escalation::tick(&app.state).await.unwrap();
    assert_eq!(tick.withdrawn, 1);
    assert_eq!(
        aduan::jobs::escalation::tick(&app.state)
            .await
            .unwrap()
            .withdrawn,
        0
    );
    let t = app.get(&format!("/api/v1/tickets/{id}"), &pic).await.body;
    assert_eq!(t["status"], "rejected");
    assert!(t["hold"].is_null());
    assert!(t["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| !c["stopped_at"].is_null()));
    let ev = events(&app, &pic, &id).await;
    let last = ev.last().unwrap();
    assert_eq!(
        (last["action"].as_str(), last["to_status"].as_str()),
        (Some("withdraw"), Some("rejected"))
    );
    assert_eq!(last["data"]["withdrawn"], true);
    assert!(last["actor"].is_null());

    // Rejected by the coordinator while on hold: the hold ends with the ticket.
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let other = app
        .post("/api/v1/tickets", &pic, comment("4002", "jalan"))
        .await
        .id();
    act(
        &app,
        &pic,
        &other,
        "hold",
        json!({"reason": "Menunggu foto"}),
    )
    .await;
    let t = act(
        &app,
        &coord,
        &other,
        "reject",
        json!({"reason": "Pelapor tidak menjawab"}),
    )
    .await;
    assert_eq!(t["status"], "rejected");
    assert!(t["hold"].is_null());
    assert_eq!(app.count("ticket_holds"), 0);
}

/// Standard Webhooks: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` (the receivers' own
/// library checks the same in tests/open311_clients/check_webhooks.py).
fn verify_signature(secret: &str, r: &common::receiver::Received) -> bool {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(
        format!(
            "{}.{}.",
            r.headers["webhook-id"], r.headers["webhook-timestamp"]
        )
        .as_bytes(),
    );
    mac.update(&r.body);
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    r.headers["webhook-signature"] == format!("v1,{expected}")
}

/// Runs delivery rounds (retries after 50 ms instead of 30 s) until `done`.
async fn deliver_until(app: &TestApp, done: impl Fn() -> bool) {
    let mut state = app.state.clone();
    let mut settings = (*state.settings).clone();
    settings.webhook_retry_base_ms = 50;
    state.settings = std::sync::Arc::new(settings);
    for _ in 0..100 {
        aduan::jobs::webhooks::deliver_due(&state).await.unwrap();
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    let mut conn = app.state.db.conn().unwrap();
    use diesel::prelude::*;
    let rows: Vec<(String, i32, Option<String>)> = aduan::db::schema::webhook_deliveries::table
        .select((
            aduan::db::schema::webhook_deliveries::state,
            aduan::db::schema::webhook_deliveries::attempts,
            aduan::db::schema::webhook_deliveries::last_error,
        ))
        .load(&mut *conn)
        .unwrap();
    panic!("deliveries did not arrive: {rows:?}");
}

async fn webhooks_deliver_signed_and_retry(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let receiver = Receiver::start();
    let secret = "a-shared-secret-of-some-length";

    for (body, field) in [
        (
            json!({"url": "ftp://example.com/x", "secret": secret, "events": ["*"]}),
            "url",
        ),
        (
            json!({"url": receiver.url(), "secret": "short", "events": ["*"]}),
            "secret",
        ),
        (
            json!({"url": receiver.url(), "secret": secret, "events": ["exploded"]}),
            "events",
        ),
        (
            json!({"url": receiver.url(), "secret": secret, "events": []}),
            "events",
        ),
    ] {
        let r = app.post("/api/v1/webhooks", &admin, body).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["field"], field);
    }
    app.post(
        "/api/v1/webhooks",
        &pic,
        json!({"url": receiver.url(), "secret": secret, "events": ["*"]}),
    )
    .await
    .assert_problem(403, "forbidden");
    let hook = app
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": receiver.url(), "secret": secret, "events": ["*"]}),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    assert!(
        hook.body.get("secret").is_none(),
        "the secret is never shown"
    );
    let hook_id = hook.id();
    // A second webhook that wants only closings gets nothing here.
    let quiet = app
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": receiver.url(), "secret": secret, "events": ["closed"]}),
        )
        .await
        .id();

    let id = app
        .post("/api/v1/tickets", &pic, comment("5001", "jalan"))
        .await
        .id();
    let dpupr = app.agency_id(&admin, "dpupr").await;
    act(&app, &coord, &id, "route", json!({"agency_id": dpupr})).await;
    assert_eq!(
        app.count("webhook_deliveries"),
        2,
        "one outbox row per event and interested webhook"
    );
    deliver_until(&app, || receiver.received().len() >= 2).await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    let names: Vec<&str> = got
        .iter()
        .map(|r| r.headers["x-aduan-event"].as_str())
        .collect();
    assert_eq!(names, vec!["filed", "routed"]);
    for r in &got {
        assert!(verify_signature(secret, r), "signature");
        assert!(!verify_signature("another-secret-entirely", r));
        assert_eq!(r.headers["content-type"], "application/json");
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["ticket"]["id"], id.as_str());
        assert!(
            body.to_string().find("Jalan berlubang").is_none(),
            "no comment text in deliveries"
        );
    }
    assert_ne!(got[0].headers["webhook-id"], got[1].headers["webhook-id"]);
    let routed: Value = serde_json::from_slice(&got[1].body).unwrap();
    assert_eq!(
        (routed["from_status"].as_str(), routed["to_status"].as_str()),
        (Some("new"), Some("routed"))
    );

    let log = app
        .get(&format!("/api/v1/webhooks/{hook_id}/deliveries"), &admin)
        .await;
    assert_eq!(log.status, 200, "{}", log.text);
    let items = log.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items
        .iter()
        .all(|d| d["state"] == "delivered" && d["response_status"] == 200 && d["attempts"] == 1));
    assert_eq!(
        items[0]["id"].as_str(),
        Some(got[1].headers["webhook-id"].as_str()),
        "newest first, ids as sent"
    );
    let quiet_log = app
        .get(&format!("/api/v1/webhooks/{quiet}/deliveries"), &admin)
        .await;
    assert_eq!(quiet_log.body["items"], json!([]));

    // The receiver fails: the delivery is retried after the backoff and then delivered.
    receiver.answer(503);
    act(
        &app,
        &pic,
        &id,
        "replies",
        json!({"reply_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/5002/"}),
    )
    .await;
    deliver_until(&app, || receiver.received().len() >= 3).await;
    let log = app
        .get(
            &format!("/api/v1/webhooks/{hook_id}/deliveries?state=pending"),
            &admin,
        )
        .await;
    let pending = &log.body["items"][0];
    assert_eq!(
        (
            pending["attempts"].as_i64(),
            pending["response_status"].as_i64()
        ),
        (Some(1), Some(503))
    );
    assert!(pending["last_error"].as_str().unwrap().contains("503"));
    assert!(time(&pending["next_attempt_at"]) > time(&pending["last_attempt_at"]));
    receiver.answer(200);
    deliver_until(&app, || receiver.received().len() >= 4).await;
    let log = app
        .get(&format!("/api/v1/webhooks/{hook_id}/deliveries"), &admin)
        .await;
    let latest = &log.body["items"][0];
    assert_eq!(
        (latest["state"].as_str(), latest["attempts"].as_i64()),
        (Some("delivered"), Some(2))
    );
    let got = receiver.received();
    assert_eq!(
        got[2].headers["webhook-id"], got[3].headers["webhook-id"],
        "a retry keeps its delivery id"
    );
    assert_eq!(got[2].body, got[3].body);

    // A receiver that is not there at all: the error is logged and the row waits.
    let down = format!("http://127.0.0.1:{}/hook", free_port());
    let r = app
        .patch(
            &format!("/api/v1/webhooks/{hook_id}"),
            &admin,
            json!({"url": down}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.patch(
        &format!("/api/v1/webhooks/{hook_id}"),
        &admin,
        json!({"url": "gopher://x"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    act(
        &app,
        &pic,
        &id,
        "replies",
        json!({"reply_url": "https://www.instagram.com/p/DLq3abcXYZ1/c/5003/"}),
    )
    .await;
    aduan::jobs::webhooks::deliver_due(&app.state)
        .await
        .unwrap();
    let log = app
        .get(
            &format!("/api/v1/webhooks/{hook_id}/deliveries?state=pending"),
            &admin,
        )
        .await;
    let waiting = &log.body["items"][0];
    assert!(waiting["response_status"].is_null());
    assert!(!waiting["last_error"].as_str().unwrap().is_empty());
    app.get(
        &format!("/api/v1/webhooks/{hook_id}/deliveries?state=lost"),
        &admin,
    )
    .await
    .assert_problem(400, "invalid_query");

    let gone = app
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{quiet}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    app.get(&format!("/api/v1/webhooks/{quiet}"), &admin)
        .await
        .assert_problem(404, "not_found");
    let list = app.get("/api/v1/webhooks", &admin).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

on_both_backends!(
    calendar_and_due_times,
    clock_lifecycle,
    lists_by_due_time,
    sla_policies,
    breach_detection,
    hold_expires_into_withdrawal,
    webhooks_deliver_signed_and_retry,
);
