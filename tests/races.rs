//! Races and stale matches, on both backends: concurrent changes that each check something
//! before writing, and a complaint's words matched long after its ticket was closed.

mod common;

use aduan::db::schema::tickets;
use chrono::{Duration, Utc};
use common::TestApp;
use diesel::prelude::*;
use serde_json::{json, Value};

/// Two admins demote each other at the same instant, several times over: one change wins,
/// the other is refused as `last_admin`, and one active admin is always left.
async fn demotions_always_leave_an_admin(app: TestApp) {
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/me", &admin).await.id();
    for round in 0..4 {
        let (other, other_token) = app.user_with_role(&admin, "admin").await;
        let (other_path, my_path) = (
            format!("/api/v1/users/{other}"),
            format!("/api/v1/users/{me}"),
        );
        let demote_other = app.patch(&other_path, &admin, json!({"role": "coordinator"}));
        let demote_me = app.patch(&my_path, &other_token, json!({"role": "coordinator"}));
        let (a, b) = futures_util::future::join(demote_other, demote_me).await;
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        // Both may be refused only if one of them ran after the other admin had lost the role
        // (403): never may both succeed.
        assert!(
            statuses == [200, 409] || statuses == [200, 403],
            "round {round}: {} {} / {} {}",
            a.status,
            a.text,
            b.status,
            b.text
        );
        if b.status == 200 {
            // The bootstrap admin was demoted: promote it back for the next round.
            app.patch(
                &format!("/api/v1/users/{me}"),
                &other_token,
                json!({"role": "admin"}),
            )
            .await;
            app.patch(
                &format!("/api/v1/users/{other}"),
                &admin,
                json!({"role": "coordinator"}),
            )
            .await;
        }
        let admins = app.get("/api/v1/users?role=admin&limit=200", &admin).await;
        let active = admins.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["active"] == true)
            .count();
        assert_eq!(active, 1, "round {round}: {}", admins.text);
    }
}

/// `HH:MM` on yesterday's date in WIB, as RFC 3339.
fn yesterday_at(hm: &str) -> String {
    let day = (Utc::now() + Duration::hours(7)).date_naive() - Duration::days(1);
    format!("{day}T{hm}:00+07:00")
}

/// Sixteen copies of one check-in, and of one activity, sent at once (a phone retrying on a
/// bad network): one is recorded (201), every other answers 200 with that record — never a
/// 409 with the database's constraint text.
async fn concurrent_duplicates_answer_the_first(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "dinkes", None).await;
    let accounts = app
        .get("/api/v1/accounts?platform=instagram&limit=5", &pic)
        .await;
    let account = accounts.body["items"][0]["id"].clone();
    let check_in = json!({"slot": "13:00", "started_at": yesterday_at("13:05"), "accounts_checked": [account]});
    let post = json!({
        "kind": "repost",
        "url": "https://www.instagram.com/p/DRace16xyz/",
        "account_id": account,
        "posted_at": (Utc::now() - Duration::hours(1)).to_rfc3339(),
    });
    for (path, body, table) in [
        ("/api/v1/patrols", check_in, "patrols"),
        ("/api/v1/activities", post, "activities"),
    ] {
        let answers =
            futures_util::future::join_all((0..16).map(|_| app.post(path, &pic, body.clone())))
                .await;
        let mut ids = std::collections::HashSet::new();
        for r in &answers {
            assert!(
                r.status == 201 || r.status == 200,
                "{path}: {} {}",
                r.status,
                r.text
            );
            ids.insert(r.id());
        }
        assert_eq!(ids.len(), 1, "{path}: one record for all");
        assert_eq!(answers.iter().filter(|r| r.status == 201).count(), 1);
        assert_eq!(app.count(table), 1);
    }
}

fn walk_in(text: &str) -> Value {
    json!({"source": {"platform": "whatsapp", "author": "Bu Ani (0812xxxx)", "text": text}})
}

/// A complaint without a comment URL is known by its author and words. The same words while
/// the ticket is open, or soon after it was closed, are that ticket; the same words 30 days
/// after it was closed are a new complaint (the lamp broke again).
async fn same_words_after_closing_are_a_new_complaint(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let words = "Lampu PJU di depan SDN 1 Jalancagak mati";
    let first = app.post("/api/v1/tickets", &pic, walk_in(words)).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let first_id = first.id();
    let again = app.post("/api/v1/tickets", &pic, walk_in(words)).await;
    assert_eq!((again.status.as_u16(), again.id()), (200, first_id.clone()));

    let r = app
        .post(
            &format!("/api/v1/tickets/{first_id}/reject"),
            &coord,
            json!({"reason": "Sudah diperbaiki"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Closed just now: still the same complaint.
    let soon = app.post("/api/v1/tickets", &pic, walk_in(words)).await;
    assert_eq!((soon.status.as_u16(), soon.id()), (200, first_id.clone()));

    // Closed 31 days ago: a new complaint, and the earlier ticket keeps its history.
    let long_ago = (Utc::now() - Duration::days(31)).naive_utc();
    let id = first_id.clone();
    app.state
        .db
        .write(move |c| {
            diesel::update(tickets::table.find(id))
                .set(tickets::updated_at.eq(long_ago))
                .execute(c)
                .map_err(aduan::db::DbError::from)
        })
        .await
        .unwrap();
    let new = app.post("/api/v1/tickets", &pic, walk_in(words)).await;
    assert_eq!(new.status, 201, "{}", new.text);
    assert_ne!(new.id(), first_id);
    let repeat = app.post("/api/v1/tickets", &pic, walk_in(words)).await;
    assert_eq!((repeat.status.as_u16(), repeat.id()), (200, new.id()));
    let old = app
        .get(&format!("/api/v1/tickets/{first_id}"), &coord)
        .await;
    assert_eq!(old.body["status"], "rejected");
    assert_eq!(app.count("tickets"), 2);

    // A comment with its own URL is one ticket forever, however long ago it was closed.
    let url = json!({"source": {"platform": "instagram", "comment_url": "https://www.instagram.com/p/DQ1/c/7001/", "text": words}});
    let t = app.post("/api/v1/tickets", &pic, url.clone()).await.id();
    app.post(
        &format!("/api/v1/tickets/{t}/reject"),
        &coord,
        json!({"reason": "x"}),
    )
    .await;
    let id = t.clone();
    app.state
        .db
        .write(move |c| {
            diesel::update(tickets::table.find(id))
                .set(tickets::updated_at.eq(long_ago))
                .execute(c)
                .map_err(aduan::db::DbError::from)
        })
        .await
        .unwrap();
    let r = app.post("/api/v1/tickets", &pic, url).await;
    assert_eq!((r.status.as_u16(), r.id()), (200, t));
}

on_both_backends!(
    demotions_always_leave_an_admin,
    concurrent_duplicates_answer_the_first,
    same_words_after_closing_are_a_new_complaint
);
