//! The complaint lifecycle over HTTP, on SQLite and PostgreSQL: the whole story, the policy's
//! answers (404/403/409/412/422), filing rules, lists and concurrency.

mod common;

use actix_web::http::{header, Method};
use actix_web::test::TestRequest;
use common::TestApp;
use serde_json::{json, Value};

const PHOTO: &[u8] = include_bytes!("fixtures/visit-gps.jpg");

fn instagram_comment(comment_id: &str) -> Value {
    json!({
        "source": {
            "platform": "instagram",
            "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/{comment_id}/"),
            "post_url": "https://www.instagram.com/p/DLq3abcXYZ1/",
            "account": "kangrey.subang",
            "author": "warga_jalancagak",
            "commented_at": "2025-07-07T12:41:00+07:00",
            "text": "Pak, jalan di Desa Curugrendeng rusak parah, mohon diperbaiki. WA saya 0812-3456-7890"
        },
        "title": "Jalan rusak di Curugrendeng",
        "category": "jalan",
        "region": "jalancagak",
        "location": {"lat": -6.6583, "long": 107.6772},
        "address": "Jl. Raya Curugrendeng, Jalancagak"
    })
}

fn actions(ticket: &Value) -> Vec<String> {
    ticket["allowed_actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn act(app: &TestApp, token: &str, id: &str, action: &str, body: Value) -> common::Resp {
    app.post(&format!("/api/v1/tickets/{id}/{action}"), token, body)
        .await
}

/// The whole story: two PICs file the same comment, a wrong agency returns it, it is re-routed,
/// assigned, visited with a photo carrying EXIF GPS, resolved, closed with the reply link, and
/// the public sees its status with personal data masked.
async fn whole_story(app: TestApp) {
    let admin = app.admin_token().await;
    let (pic_id, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, pic2) = app.user_in(&admin, "pic", "kec-jalancagak", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, dinkes_head) = app.user_in(&admin, "agency_head", "dinkes", None).await;
    let (_, head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let (divhead_id, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let dinkes = app.agency_id(&admin, "dinkes").await;
    let bina_marga = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;

    // Filing: 201 with a code, the suggested agency from the category, and the file event.
    let r = app
        .post(
            "/api/v1/tickets",
            &pic,
            instagram_comment("18034567890123456"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let t = r.body.clone();
    let id = t["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        &format!("/api/v1/tickets/{id}")
    );
    let code = t["code"].as_str().unwrap().to_string();
    let year = chrono::Utc::now().format("%y").to_string();
    assert_eq!(code, format!("SBG-{year}-000001"));
    assert_eq!(t["status"], "new");
    assert_eq!(t["suggested_agency_id"], json!(dpupr));
    assert_eq!(
        t["source"]["comment_key"],
        "instagram:comment:18034567890123456"
    );
    assert_eq!(t["category"], "jalan");
    assert_eq!(t["region"], "jalancagak");
    assert_eq!(t["location"]["lat"], -6.6583);
    assert_eq!(t["version"], 1);
    assert_eq!(
        actions(&t),
        vec!["reply", "hold"],
        "the filing PIC may only reply or hold a new ticket: {:?}",
        actions(&t)
    );

    // The second PIC copies the same comment from the mobile app, with tracking parameters.
    let mut again = instagram_comment("18034567890123456");
    again["source"]["comment_url"] =
        json!("http://m.instagram.com/p/DLq3abcXYZ1/c/18034567890123456?igsh=MWQ1ZGUxMzBkMA==");
    again["title"] = json!("Jalan Curugrendeng rusak");
    // The ticket is not the second PIC's to see (another agency's, filed by someone else): it
    // gets only the receipt.
    let r = app.post("/api/v1/tickets", &pic2, again.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"code": code, "status": "new", "duplicate": true})
    );
    // The first PIC, who filed it, gets the ticket itself.
    let r = app.post("/api/v1/tickets", &pic, again).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["id"], json!(id));
    assert_eq!(
        r.body["title"], "Jalan rusak di Curugrendeng",
        "nothing was rewritten"
    );
    assert_eq!(app.count("tickets"), 1);
    assert_eq!(app.count("ticket_events"), 1);

    // The coordinator routes it to the wrong agency; Dinkes returns it as not its duty.
    let r = act(
        &app,
        &coord,
        &id,
        "route",
        json!({"agency_id": dinkes, "note": "cek"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "routed");
    assert_eq!(r.body["agency_id"], json!(dinkes));
    let r = app.get(&format!("/api/v1/tickets/{id}"), &head).await;
    r.assert_problem(404, "not_found");
    let r = act(&app, &dinkes_head, &id, "return", json!({})).await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "reason");
    let r = act(
        &app,
        &dinkes_head,
        &id,
        "return",
        json!({"reason": "Bukan kewenangan: jalan"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "returned");
    assert_eq!(r.body["agency_id"], Value::Null);
    // Dinkes no longer sees it.
    app.get(&format!("/api/v1/tickets/{id}"), &dinkes_head)
        .await
        .assert_problem(404, "not_found");

    // Re-routed to DPUPR, whose head assigns it to Bina Marga and its head.
    let r = act(&app, &coord, &id, "route", json!({"agency_id": dpupr})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.get(&format!("/api/v1/tickets/{id}"), &head).await;
    assert_eq!(r.status, 200);
    assert_eq!(actions(&r.body), vec!["return", "assign", "hold"]);
    let version = r.body["version"].as_i64().unwrap();
    assert_eq!(
        r.headers.get(header::ETAG).unwrap(),
        &format!("\"{version}\"")
    );
    let r = act(
        &app,
        &head,
        &id,
        "assign",
        json!({"division_id": bina_marga, "assignee_id": divhead_id}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "assigned");
    assert_eq!(r.body["division_id"], json!(bina_marga));
    assert_eq!(r.body["assignee_id"], json!(divhead_id));

    // The division head starts, visits with a photo, and resolves.
    let r = act(&app, &divhead, &id, "start", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "in_progress");
    let r = act(
        &app,
        &divhead,
        &id,
        "resolve",
        json!({"summary": "Ditambal"}),
    )
    .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "no_visit_reason");

    let up = app.upload(&divhead, "IMG_20250708_091500.jpg", PHOTO).await;
    assert_eq!(up.status, 201, "{}", up.text);
    assert_eq!(up.body["content_type"], "image/jpeg");
    assert_eq!(up.body["filename"], "IMG_20250708_091500.jpg");
    assert_eq!(
        up.body["taken_at"], "2025-07-08T02:15:00Z",
        "09:15 in Jakarta"
    );
    assert!(
        (up.body["lat"].as_f64().unwrap() + 6.6583).abs() < 1e-4,
        "{}",
        up.text
    );
    assert!(
        (up.body["long"].as_f64().unwrap() - 107.6772).abs() < 1e-4,
        "{}",
        up.text
    );
    let photo = up.id();
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/field-visits"),
            &divhead,
            json!({
                "visited_at": "2025-07-08T09:15:00+07:00",
                "notes": "Lubang 3 titik, panjang 120 m",
                "location": {"lat": -6.6583, "long": 107.6772},
                "attachment_ids": [photo]
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["visitor_id"], json!(divhead_id));
    assert_eq!(r.body["attachments"][0]["id"], json!(photo));
    let r = app
        .get(&format!("/api/v1/tickets/{id}/field-visits"), &pic)
        .await;
    assert_eq!(r.status, 200, "the filer sees the visits: {}", r.text);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    // Everyone who sees the ticket may now fetch the photo.
    let r = app
        .get(&format!("/api/v1/attachments/{photo}"), &head)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), "image/jpeg");
    let r = app
        .get(&format!("/api/v1/attachments/{photo}"), &dinkes_head)
        .await;
    r.assert_problem(404, "not_found");

    let r = act(
        &app,
        &divhead,
        &id,
        "resolve",
        json!({"summary": "Jalan sudah ditambal 120 m"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "resolved");
    assert_eq!(r.body["resolution"], "Jalan sudah ditambal 120 m");

    // The filing PIC closes it with the link to the reply on Instagram.
    let r = act(
        &app,
        &pic,
        &id,
        "close",
        json!({"reply_url": "https://www.facebook.com/x"}),
    )
    .await;
    r.assert_problem(422, "validation_failed");
    let reply = "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890999999/";
    let r = act(&app, &pic, &id, "close", json!({"reply_url": reply})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "closed");
    assert_eq!(r.body["reply_url"], reply);

    // The timeline, oldest first, with actors and data.
    let r = app
        .get(&format!("/api/v1/tickets/{id}/events"), &coord)
        .await;
    assert_eq!(r.status, 200);
    let events = r.body["items"].as_array().unwrap();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["file", "route", "return", "route", "assign", "start", "visit", "resolve", "close"]
    );
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=9).collect::<Vec<_>>());
    assert_eq!(events[0]["from_status"], Value::Null);
    assert_eq!(events[0]["actor"]["id"], json!(pic_id));
    assert_eq!(events[0]["actor"]["role"], "pic");
    assert_eq!(events[2]["data"]["reason"], "Bukan kewenangan: jalan");
    assert_eq!(events[2]["from_status"], "routed");
    assert_eq!(events[2]["to_status"], "returned");
    assert_eq!(events[3]["data"]["agency_id"], json!(dpupr));
    assert_eq!(events[4]["data"]["division_code"], "dpupr.bina-marga");
    assert_eq!(events[8]["data"]["reply_url"], reply);

    // The public page: status, milestones, masked text, no handle, no user names.
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/public/tickets/{}", code.to_lowercase()),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["code"], json!(code));
    assert_eq!(r.body["status"], "closed");
    assert_eq!(r.body["reply_url"], reply);
    assert_eq!(r.body["category"], "Jalan rusak");
    assert!(
        r.body["agency"]
            .as_str()
            .unwrap()
            .contains("Pekerjaan Umum"),
        "{}",
        r.text
    );
    let statuses: Vec<&str> = r.body["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "new",
            "routed",
            "returned",
            "routed",
            "assigned",
            "in_progress",
            "resolved",
            "closed"
        ]
    );
    assert!(
        r.body["text"].as_str().unwrap().contains("0812-****-**90"),
        "{}",
        r.text
    );
    for secret in [
        "3456-7890",
        "warga_jalancagak",
        "pic-",
        "agency-head",
        "division-head",
    ] {
        assert!(!r.text.contains(secret), "{secret} leaked: {}", r.text);
    }
}

/// Routes with an `If-Match` header.
async fn route_if_match(
    app: &TestApp,
    token: &str,
    id: &str,
    agency: &str,
    if_match: &str,
) -> common::Resp {
    app.send(
        TestRequest::post()
            .uri(&format!("/api/v1/tickets/{id}/route"))
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .insert_header((header::IF_MATCH, if_match))
            .set_json(json!({ "agency_id": agency })),
    )
    .await
}

/// 404 for hidden tickets, 403 for visible ones the caller may not act on, 409 with the allowed
/// actions, 412 for a stale If-Match; none of them writes anything.
async fn policy_answers(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, other_pic) = app.user_in(&admin, "pic", "dinkes", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, leader) = app.user_in(&admin, "leader", "diskominfo", None).await;
    let (_, planner) = app.user_in(&admin, "planner", "diskominfo", None).await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let id = app
        .post("/api/v1/tickets", &pic, instagram_comment("111"))
        .await
        .id();
    let events = app.count("ticket_events");

    // Another agency's PIC and the planner do not see it.
    for token in [&other_pic, &planner] {
        app.get(&format!("/api/v1/tickets/{id}"), token)
            .await
            .assert_problem(404, "not_found");
        act(&app, token, &id, "route", json!({"agency_id": dpupr}))
            .await
            .assert_problem(404, "not_found");
    }
    // The leader sees it, may do nothing.
    let r = app.get(&format!("/api/v1/tickets/{id}"), &leader).await;
    assert_eq!(r.status, 200);
    assert!(actions(&r.body).is_empty());
    act(&app, &leader, &id, "route", json!({"agency_id": dpupr}))
        .await
        .assert_problem(403, "forbidden");
    // The filing PIC sees it but may not route it.
    act(&app, &pic, &id, "route", json!({"agency_id": dpupr}))
        .await
        .assert_problem(403, "forbidden");
    // The coordinator may not close a new ticket: 409 with what it may do instead.
    let r = act(
        &app,
        &coord,
        &id,
        "close",
        json!({"reply_url": "https://instagram.com/p/x"}),
    )
    .await;
    r.assert_problem(409, "invalid_transition");
    assert_eq!(
        r.body["allowed_actions"],
        json!(["route", "reject", "refer", "merge", "reply", "hold"])
    );
    // A stale version.
    let r = route_if_match(&app, &coord, &id, &dpupr, "\"7\"").await;
    r.assert_problem(412, "precondition_failed");
    let r = route_if_match(&app, &coord, &id, &dpupr, "yesterday").await;
    r.assert_problem(400, "invalid_if_match");
    // Bad bodies: an unknown agency, an agency id of the wrong form, unknown fields.
    let r = act(
        &app,
        &coord,
        &id,
        "route",
        json!({"agency_id": uuid::Uuid::now_v7()}),
    )
    .await;
    r.assert_problem(422, "validation_failed");
    act(&app, &coord, &id, "route", json!({"agency_id": "dpupr"}))
        .await
        .assert_problem(422, "validation_failed");
    act(
        &app,
        &coord,
        &id,
        "route",
        json!({"agency_id": dpupr, "priority": 1}),
    )
    .await
    .assert_problem(422, "validation_failed");
    act(&app, &coord, &id, "merge", json!({"into": id}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.count("ticket_events"), events, "refusals write nothing");

    // The right version goes through, and the ETag follows.
    let r = route_if_match(&app, &coord, &id, &dpupr, "\"1\"").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers.get(header::ETAG).unwrap(), "\"2\"");
    // Unknown ids and ids of the wrong form.
    app.get(&format!("/api/v1/tickets/{}", uuid::Uuid::now_v7()), &coord)
        .await
        .assert_problem(404, "not_found");
    app.get("/api/v1/tickets/SBG-25-000001", &coord)
        .await
        .assert_problem(400, "invalid_path");
    // An unknown action is no route.
    act(&app, &coord, &id, "escalate", json!({}))
        .await
        .assert_problem(404, "not_found");
}

/// The timeline is append-only: the database itself refuses to change or remove an event.
async fn events_cannot_be_rewritten(app: TestApp) {
    use diesel::connection::SimpleConnection;
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    assert_eq!(
        app.post("/api/v1/tickets", &pic, instagram_comment("701"))
            .await
            .status,
        201
    );
    let mut conn = app.state.db.conn().unwrap();
    for sql in [
        "UPDATE ticket_events SET action = 'close'",
        "DELETE FROM ticket_events",
    ] {
        let e = conn.batch_execute(sql).expect_err(sql);
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    drop(conn);
    assert_eq!(app.count("ticket_events"), 1);
}

/// Reject, refer and merge end a ticket; a merged ticket's target stays open; reopen works
/// only from resolved or closed.
async fn terminal_actions(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let a = app
        .post("/api/v1/tickets", &pic, instagram_comment("201"))
        .await
        .id();
    let b = app
        .post("/api/v1/tickets", &pic, instagram_comment("202"))
        .await
        .id();
    let c = app
        .post("/api/v1/tickets", &pic, instagram_comment("203"))
        .await
        .id();
    let d = app
        .post("/api/v1/tickets", &pic, instagram_comment("204"))
        .await
        .id();

    act(&app, &coord, &a, "reject", json!({"reason": "  "}))
        .await
        .assert_problem(422, "validation_failed");
    let r = act(&app, &coord, &a, "reject", json!({"reason": "Spam"})).await;
    assert_eq!(r.body["status"], "rejected", "{}", r.text);
    assert!(actions(&r.body).is_empty());
    let r = act(&app, &coord, &a, "reopen", json!({"reason": "salah"})).await;
    r.assert_problem(409, "invalid_transition");

    act(&app, &coord, &b, "refer", json!({"note": "listrik"}))
        .await
        .assert_problem(422, "validation_failed");
    let r = act(
        &app,
        &coord,
        &b,
        "refer",
        json!({"to": "PLN UP3 Subang", "note": "listrik"}),
    )
    .await;
    assert_eq!(r.body["status"], "referred", "{}", r.text);

    // Merging into a closed-off ticket is refused; into an open one works.
    act(&app, &coord, &c, "merge", json!({"into": a}))
        .await
        .assert_problem(422, "validation_failed");
    let r = act(&app, &coord, &c, "merge", json!({"into": d})).await;
    assert_eq!(r.body["status"], "merged", "{}", r.text);
    let r = app.get(&format!("/api/v1/tickets/{d}"), &coord).await;
    assert_eq!(r.body["status"], "new");
    let r = app
        .get(&format!("/api/v1/tickets/{c}/events"), &coord)
        .await;
    assert_eq!(r.body["items"][1]["data"]["into"], json!(d));
}

/// Filing rules: what is required, what is refused, and that a refusal writes nothing.
async fn filing_rules(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let before = app.count("tickets");

    app.post("/api/v1/tickets", &head, instagram_comment("1"))
        .await
        .assert_problem(403, "forbidden");
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"source": {"platform": "instagram", "text": "jalan rusak"}}),
            "source.comment_url",
        ),
        (
            json!({"source": {"platform": "instagram", "text": "x", "comment_url": "https://www.facebook.com/a/posts/1?comment_id=2"}}),
            "source.comment_url",
        ),
        (
            json!({"source": {"platform": "x", "text": "x", "comment_url": "not a url at all"}}),
            "source.comment_url",
        ),
        (
            json!({"source": {"platform": "whatsapp", "text": "   "}}),
            "source.text",
        ),
        (
            json!({"source": {"platform": "whatsapp", "text": "banjir"}, "category": "nope"}),
            "category",
        ),
        (
            json!({"source": {"platform": "whatsapp", "text": "banjir"}, "region": "atlantis"}),
            "region",
        ),
        (
            json!({"source": {"platform": "whatsapp", "text": "banjir"}, "location": {"lat": 95.0, "long": 10.0}}),
            "location",
        ),
        (
            json!({"source": {"platform": "whatsapp", "text": "banjir", "commented_at": "2999-01-01T00:00:00Z"}}),
            "source.commented_at",
        ),
        (
            json!({"source": {"platform": "whatsapp", "text": "banjir"}, "title": "t".repeat(201)}),
            "title",
        ),
    ];
    for (body, field) in cases {
        let r = app.post("/api/v1/tickets", &pic, body.clone()).await;
        r.assert_problem(422, "validation_failed");
        let fields: Vec<&str> = r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{body}: {fields:?}");
    }
    // Unknown channels and unknown fields are shape errors.
    for body in [
        json!({"source": {"platform": "friendster", "text": "x"}}),
        json!({"source": {"platform": "web", "text": "x"}, "priority": "high"}),
        json!({"source": {"platform": "web", "text": "x", "commented_at": "yesterday"}}),
    ] {
        app.post("/api/v1/tickets", &pic, body)
            .await
            .assert_problem(422, "validation_failed");
    }
    // Malformed JSON, the wrong content type, a body over the limit.
    let r = app
        .send(
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header((header::AUTHORIZATION, format!("Bearer {pic}")))
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload("{\"source\": "),
        )
        .await;
    r.assert_problem(400, "malformed_json");
    let r = app
        .send(
            TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header((header::AUTHORIZATION, format!("Bearer {pic}")))
                .insert_header((header::CONTENT_TYPE, "text/plain"))
                .set_payload("jalan rusak"),
        )
        .await;
    r.assert_problem(415, "unsupported_media_type");
    let huge = json!({"source": {"platform": "web", "text": "x".repeat(70_000)}});
    app.post("/api/v1/tickets", &pic, huge)
        .await
        .assert_problem(413, "payload_too_large");
    assert_eq!(app.count("tickets"), before, "nothing was written");

    // Channels without a comment URL: keyed by author and text when an author is given.
    let wa = json!({"source": {"platform": "whatsapp", "author": "Bu Ani", "text": "Lampu PJU mati di Jl. Otista"}});
    let r = app.post("/api/v1/tickets", &pic, wa.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.body["source"]["comment_key"]
        .as_str()
        .unwrap()
        .starts_with("whatsapp:msg:"));
    assert_eq!(r.body["title"], "Lampu PJU mati di Jl. Otista");
    assert_eq!(r.body["source"]["comment_url"], Value::Null);
    assert_eq!(app.post("/api/v1/tickets", &pic, wa).await.status, 200);
    // A walk-in complaint with no name is its own ticket every time.
    let walk_in = json!({"source": {"platform": "walk_in", "text": "Saluran air tersumbat"}});
    let one = app.post("/api/v1/tickets", &pic, walk_in.clone()).await;
    let two = app.post("/api/v1/tickets", &pic, walk_in).await;
    assert_eq!((one.status.as_u16(), two.status.as_u16()), (201, 201));
    assert_ne!(one.body["code"], two.body["code"]);
    // Codes count up within the year.
    let n = |r: &common::Resp| {
        r.body["code"].as_str().unwrap()[7..]
            .parse::<u32>()
            .unwrap()
    };
    assert_eq!(n(&two), n(&one) + 1);
}

/// Lists: visibility, filters, text search, newest first, stable cursors.
async fn lists(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, dinkes_pic) = app.user_in(&admin, "pic", "dinkes", None).await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let bina_marga = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;
    let texts = [
        ("jalan", "jalancagak", "Jalan berlubang dekat pasar"),
        ("jalan", "subang", "Aspal mengelupas di alun-alun"),
        ("sampah", "jalancagak", "Sampah menumpuk di Curugrendeng"),
        (
            "jalan",
            "jalancagak.curugrendeng",
            "Jembatan retak di Curugrendeng",
        ),
        ("sampah", "subang", "Tempat sampah penuh"),
    ];
    let mut ids = vec![];
    for (i, (category, region, text)) in texts.iter().enumerate() {
        let mut body = instagram_comment(&format!("30{i}"));
        body["category"] = json!(category);
        body["region"] = json!(region);
        body["title"] = json!(text);
        body["source"]["text"] = json!(format!("Mohon ditindak: {text}"));
        let r = app.post("/api/v1/tickets", &pic, body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.id());
    }
    let list = |r: &common::Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(
        list(&app.get("/api/v1/tickets", &coord).await),
        newest_first
    );
    assert_eq!(
        list(&app.get("/api/v1/tickets", &pic).await),
        newest_first,
        "the filer"
    );
    assert!(list(&app.get("/api/v1/tickets", &dinkes_pic).await).is_empty());
    assert!(list(&app.get("/api/v1/tickets", &divhead).await).is_empty());

    // Route and assign one; the division head sees just that one, filters find it.
    act(&app, &coord, &ids[0], "route", json!({"agency_id": dpupr})).await;
    let dpupr_head = app.user_in(&admin, "agency_head", "dpupr", None).await.1;
    act(
        &app,
        &dpupr_head,
        &ids[0],
        "assign",
        json!({"division_id": bina_marga}),
    )
    .await;
    assert_eq!(
        list(&app.get("/api/v1/tickets", &divhead).await),
        vec![ids[0].clone()]
    );
    let q = |query: &str| format!("/api/v1/tickets?{query}");
    assert_eq!(
        list(&app.get(&q("status=assigned"), &coord).await),
        vec![ids[0].clone()]
    );
    assert_eq!(
        list(&app.get(&q("status=new,assigned&limit=200"), &coord).await).len(),
        5
    );
    assert_eq!(
        list(&app.get(&q(&format!("agency_id={dpupr}")), &coord).await),
        vec![ids[0].clone()]
    );
    assert_eq!(
        list(
            &app.get(&q(&format!("division_id={bina_marga}")), &coord)
                .await
        ),
        vec![ids[0].clone()]
    );
    assert_eq!(
        list(&app.get(&q("category=sampah"), &coord).await),
        vec![ids[4].clone(), ids[2].clone()]
    );
    // A kecamatan includes its desa.
    assert_eq!(
        list(&app.get(&q("region=jalancagak"), &coord).await),
        vec![ids[3].clone(), ids[2].clone(), ids[0].clone()]
    );
    assert_eq!(
        list(
            &app.get(
                &q("platform=instagram&category=jalan&region=subang"),
                &coord
            )
            .await
        ),
        vec![ids[1].clone()]
    );
    assert!(list(&app.get(&q("platform=whatsapp"), &coord).await).is_empty());
    // Text search: all words, any case, word prefixes.
    assert_eq!(
        list(&app.get(&q("q=curugrendeng"), &coord).await),
        vec![ids[3].clone(), ids[2].clone()]
    );
    assert_eq!(
        list(&app.get(&q("q=JEMBATAN%20curugrendeng"), &coord).await),
        vec![ids[3].clone()]
    );
    assert_eq!(
        list(&app.get(&q("q=mohon%20aspal"), &coord).await),
        vec![ids[1].clone()]
    );
    assert!(list(&app.get(&q("q=banjir"), &coord).await).is_empty());
    // Time bounds.
    assert_eq!(
        list(&app.get(&q("filed_after=2000-01-01"), &coord).await).len(),
        5
    );
    assert!(list(
        &app.get(&q("filed_before=2000-01-01T00:00:00Z"), &coord)
            .await
    )
    .is_empty());
    // Pages of two, stable when a ticket is filed in between.
    let p1 = app.get(&q("limit=2"), &coord).await;
    assert_eq!(list(&p1), newest_first[..2].to_vec());
    let cursor = p1.body["next_cursor"].as_str().unwrap().to_string();
    app.post("/api/v1/tickets", &pic, instagram_comment("399"))
        .await;
    let p2 = app
        .get(&q(&format!("limit=2&cursor={cursor}")), &coord)
        .await;
    assert_eq!(list(&p2), newest_first[2..4].to_vec());
    let p3 = app
        .get(
            &q(&format!(
                "limit=2&cursor={}",
                p2.body["next_cursor"].as_str().unwrap()
            )),
            &coord,
        )
        .await;
    assert_eq!(list(&p3), newest_first[4..].to_vec());
    assert_eq!(p3.body["next_cursor"], Value::Null);
    // Every way of searching agrees: the newest window (PostgreSQL), the index's ids, row by row.
    let jur = app.get("/api/v1/jurisdiction", &coord).await.id();
    for (words, expected) in [
        (vec!["curugrendeng"], 3),
        (vec!["mohon", "aspal"], 1),
        (vec!["mohon"], 6),
        (vec!["banjir"], 0),
    ] {
        let filter = aduan::db::models::ticket::TicketFilter {
            words: words.iter().map(|w| w.to_string()).collect(),
            ..Default::default()
        };
        let mut conn = app.state.db.conn().unwrap();
        let mut ids_with = |window, cap, limit| {
            aduan::db::models::ticket::list_tuned(
                &mut conn,
                &jur,
                &aduan::domain::lifecycle::Visibility::All,
                &filter,
                None,
                limit,
                aduan::db::models::ticket::SearchTuning { window, cap },
            )
            .unwrap()
            .items
            .into_iter()
            .map(|t| t.id)
            .collect::<Vec<_>>()
        };
        let default = ids_with(20_000, 10_000, 50);
        assert_eq!(default.len(), expected, "{words:?}");
        for (window, cap) in [(2, 10_000), (2, 0), (1_000, 0), (1, 1)] {
            assert_eq!(
                ids_with(window, cap, 50),
                default,
                "{words:?} {window} {cap}"
            );
            let two = ids_with(window, cap, 2);
            assert_eq!(
                two,
                default[..default.len().min(2)],
                "{words:?} {window} {cap}"
            );
        }
    }
    // Bad queries are 400 with a clear code.
    for bad in [
        "status=open",
        "platform=friendster",
        "category=nope",
        "region=atlantis",
        "filed_after=kemarin",
        "limit=0",
        "cursor=abc",
        "q=%20!!",
        "agency_id=dpupr",
    ] {
        let r = app.get(&q(bad), &coord).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert_eq!(r.content_type(), "application/problem+json");
    }
}

/// Sixteen PICs file at once, identical and distinct comments mixed: no 5xx, no "database is
/// locked", one ticket per comment.
async fn concurrent_filing(app: TestApp) {
    let admin = app.admin_token().await;
    let mut pics = vec![];
    for _ in 0..4 {
        pics.push(app.user_in(&admin, "pic", "diskominfo", None).await.1);
    }
    let requests = (0..16).map(|i| {
        // Comments 0..8, each filed twice, in different URL forms.
        let comment = format!("77{}", i % 8);
        let mut body = instagram_comment(&comment);
        if i >= 8 {
            body["source"]["comment_url"] = json!(format!(
                "https://m.instagram.com/p/DLq3abcXYZ1/c/{comment}?igsh=abc{i}"
            ));
        }
        let token = pics[i % 4].clone();
        let app = &app;
        async move { app.post("/api/v1/tickets", &token, body).await }
    });
    let answers = futures_util::future::join_all(requests).await;
    let mut by_comment = std::collections::HashMap::new();
    for r in &answers {
        assert!(
            r.status == 201 || r.status == 200,
            "{} {}",
            r.status,
            r.text
        );
        // A PIC that did not file the ticket may not see it (not yet routed): a receipt.
        if r.status == 200 && r.body.get("duplicate").is_some() {
            let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["code", "duplicate", "status"], "{}", r.text);
        }
        let code = r.body["code"].as_str().unwrap().to_string();
        let comment = r.body["source"]["comment_key"].as_str().map(str::to_string);
        if let Some(key) = comment {
            let seen = by_comment.entry(key).or_insert_with(|| code.clone());
            assert_eq!(*seen, code, "one ticket per comment");
        }
    }
    let codes: std::collections::HashSet<&str> = answers
        .iter()
        .map(|r| r.body["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 8, "every answer names one of the 8 tickets");
    assert_eq!(by_comment.len(), 8);
    assert_eq!(answers.iter().filter(|r| r.status == 201).count(), 8);
    assert_eq!(app.count("tickets"), 8);
    assert_eq!(app.count("ticket_events"), 8);
    // Codes are dense: 1..=8.
    let r = app.get("/api/v1/tickets?limit=200", &admin).await;
    let mut codes: Vec<u32> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap()[7..].parse().unwrap())
        .collect();
    codes.sort();
    assert_eq!(codes, (1..=8).collect::<Vec<_>>());
}

/// Public status: privacy by default.
async fn public_status(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let mut body = instagram_comment("501");
    body["title"] = json!("Pak RT 0857-1234-5678 minta jalan diperbaiki");
    body["source"]["text"] =
        json!("Hubungi +62 812 3456 7890 atau budi.warga@gmail.com, NIK 3213012345670001");
    let code = app.post("/api/v1/tickets", &pic, body.clone()).await.body["code"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/public/tickets/{code}"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for secret in [
        "1234-5678",
        "3456 7890",
        "budi.warga",
        "gmail",
        "3213012345670001",
        "warga_jalancagak",
    ] {
        assert!(!r.text.contains(secret), "{secret}: {}", r.text);
    }
    assert!(r.body["title"]
        .as_str()
        .unwrap()
        .starts_with("Pak RT 0857-****-**78"));
    assert_eq!(r.body["milestones"][0]["status"], "new");
    assert_eq!(r.body["agency"], Value::Null);

    body["source"]["comment_url"] = json!("https://www.instagram.com/p/DLq3abcXYZ1/c/502/");
    body["anonymous"] = json!(true);
    let anon = app.post("/api/v1/tickets", &pic, body.clone()).await.body["code"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/public/tickets/{anon}"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["text"],
        Value::Null,
        "no comment text for anonymous tickets"
    );
    assert_eq!(r.body["title"], Value::Null, "nor a title made of it");
    assert!(!r.text.contains("Pak RT"), "{}", r.text);

    body["source"]["comment_url"] = json!("https://www.instagram.com/p/DLq3abcXYZ1/c/503/");
    body["confidential"] = json!(true);
    let secret = app.post("/api/v1/tickets", &pic, body).await.body["code"]
        .as_str()
        .unwrap()
        .to_string();
    for code in [secret.as_str(), "SBG-25-999999", "nonsense"] {
        app.call(
            Method::GET,
            &format!("/api/v1/public/tickets/{code}"),
            None,
            None,
        )
        .await
        .assert_problem(404, "not_found");
    }
}

/// A confidential ticket re-filed by a PIC of another agency: 200, nothing written, and only
/// the receipt — no text, author, place or resolution of a ticket the PIC may not see.
async fn repeat_filing_reveals_nothing(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, pic) = app.user_in(&admin, "pic", "dpupr", None).await;
    let mut body = instagram_comment("5150");
    body["confidential"] = json!(true);
    body["description"] = json!("Rahasia: nama pelapor Budi, rumah no. 7");
    body["source"]["author"] = json!("budi_subang");
    let first = app.post("/api/v1/tickets", &coord, body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let code = first.body["code"].clone();
    let r = app.post("/api/v1/tickets", &pic, body.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"code": code, "status": "new", "duplicate": true})
    );
    assert!(r.headers.get(header::LOCATION).is_none());
    assert!(!r.text.contains("budi"), "{}", r.text);
    assert_eq!(app.count("tickets"), 1);
    assert_eq!(app.count("ticket_events"), 1);
    // Whoever may see it still gets the ticket.
    let r = app.post("/api/v1/tickets", &coord, body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["id"], first.body["id"]);
    assert_eq!(r.body["description"], first.body["description"]);
}

/// Another jurisdiction's tickets and agencies do not exist for a user; the same comment may be
/// a ticket in each.
async fn jurisdictions_are_apart(app: TestApp) {
    let admin = app.admin_token().await;
    let pwk = app.second_jurisdiction().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let ours = app
        .post("/api/v1/tickets", &pic, instagram_comment("601"))
        .await;
    assert_eq!(ours.status, 201);
    let mut theirs_body = instagram_comment("601");
    theirs_body["category"] = Value::Null;
    theirs_body["region"] = Value::Null;
    let theirs = app.post("/api/v1/tickets", &pwk, theirs_body).await;
    assert_eq!(theirs.status, 201, "{}", theirs.text);
    assert!(theirs.body["code"].as_str().unwrap().starts_with("PWK-"));
    let (ours, theirs) = (ours.id(), theirs.id());
    let pwk_dpupr = app.get("/api/v1/agencies", &pwk).await.body["items"][0]["id"].clone();

    app.get(&format!("/api/v1/tickets/{theirs}"), &coord)
        .await
        .assert_problem(404, "not_found");
    act(&app, &coord, &theirs, "reject", json!({"reason": "x"}))
        .await
        .assert_problem(404, "not_found");
    act(
        &app,
        &coord,
        &ours,
        "route",
        json!({"agency_id": pwk_dpupr}),
    )
    .await
    .assert_problem(422, "validation_failed");
    act(&app, &coord, &ours, "merge", json!({"into": theirs}))
        .await
        .assert_problem(422, "validation_failed");
    let listed = app.get("/api/v1/tickets?limit=200", &coord).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    let listed = app.get("/api/v1/tickets?limit=200", &pwk).await;
    assert_eq!(listed.body["items"][0]["id"], json!(theirs));
}

on_both_backends!(
    events_cannot_be_rewritten,
    jurisdictions_are_apart,
    whole_story,
    policy_answers,
    terminal_actions,
    filing_rules,
    lists,
    concurrent_filing,
    repeat_filing_reveals_nothing,
    public_status
);
