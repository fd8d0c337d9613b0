//! User administration and the role table, through the real app on both backends.

mod common;

use common::{TestApp, PASSWORD};
use serde_json::json;

async fn admins_create_users_with_a_valid_scope(app: TestApp) {
    let admin = app.admin_token().await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let bina_marga = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;
    let dinkes = app.agency_id(&admin, "dinkes").await;

    let r = app
        .post("/api/v1/users", &admin, json!({"username": "Pic.DPUPR", "password": PASSWORD, "display_name": "Siti", "role": "pic", "agency_id": dpupr}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["username"], "pic.dpupr");
    assert_eq!(r.body["agency_id"], dpupr.as_str());
    let loc = r
        .headers
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(app.get(&loc, &admin).await.body["id"], r.body["id"]);

    // A division head's agency follows from the division.
    let r = app
        .post("/api/v1/users", &admin, json!({"username": "kabid.bm", "password": PASSWORD, "display_name": "Budi", "role": "division_head", "division_id": bina_marga}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["agency_id"], dpupr.as_str());

    let cases = [
        (
            json!({"username": "x1x", "password": PASSWORD, "display_name": "X", "role": "pic"}),
            "agency_id",
        ),
        (
            json!({"username": "x2x", "password": PASSWORD, "display_name": "X", "role": "division_head", "agency_id": dpupr}),
            "division_id",
        ),
        (
            json!({"username": "x3x", "password": PASSWORD, "display_name": "X", "role": "division_head", "agency_id": dinkes, "division_id": bina_marga}),
            "division_id",
        ),
        (
            json!({"username": "x4x", "password": "123456789", "display_name": "X", "role": "planner"}),
            "password",
        ),
        (
            json!({"username": "x y", "password": PASSWORD, "display_name": "X", "role": "planner"}),
            "username",
        ),
        (
            json!({"username": "x6x", "password": PASSWORD, "display_name": "X", "role": "pic", "agency_id": uuid::Uuid::now_v7()}),
            "agency_id",
        ),
    ];
    for (body, field) in cases {
        let r = app.post("/api/v1/users", &admin, body.clone()).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["field"], field, "{body}");
    }
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "x7x", "password": PASSWORD, "display_name": "X", "role": "root"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("unknown variant"),
        "{}",
        r.text
    );
    // Several invalid fields are reported together.
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "a", "password": "b", "display_name": " ", "role": "planner"}),
        )
        .await;
    assert_eq!(r.body["errors"].as_array().unwrap().len(), 3, "{}", r.text);

    let dup = app
        .post("/api/v1/users", &admin, json!({"username": "PIC.dpupr", "password": PASSWORD, "display_name": "Other", "role": "planner"}))
        .await;
    dup.assert_problem(409, "username_taken");
}

async fn users_list_filters_and_pages(app: TestApp) {
    let admin = app.admin_token().await;
    for _ in 0..3 {
        app.user_with_role(&admin, "planner").await;
    }
    app.user_with_role(&admin, "pic").await;
    let r = app.get("/api/v1/users?role=planner&limit=2", &admin).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    let cursor = r.body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let r2 = app
        .get(
            &format!("/api/v1/users?role=planner&limit=2&cursor={cursor}"),
            &admin,
        )
        .await;
    let items = r2.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(r2.body["next_cursor"].is_null());
    assert!(items.iter().all(|u| u["role"] == "planner"));
    assert_ne!(items[0]["id"], r.body["items"][0]["id"]);
    let r = app.get("/api/v1/users?q=PIC", &admin).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{}", r.text);
    app.get("/api/v1/users?role=root", &admin)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/api/v1/users?cursor=abc", &admin)
        .await
        .assert_problem(400, "invalid_cursor");
    app.get("/api/v1/users?limit=500", &admin)
        .await
        .assert_problem(400, "invalid_query");
}

async fn the_last_admin_cannot_be_removed(app: TestApp) {
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/me", &admin).await.id();
    app.patch(
        &format!("/api/v1/users/{me}"),
        &admin,
        json!({"active": false}),
    )
    .await
    .assert_problem(409, "last_admin");
    app.patch(
        &format!("/api/v1/users/{me}"),
        &admin,
        json!({"role": "planner"}),
    )
    .await
    .assert_problem(409, "last_admin");
    let (other, _) = app.user_with_role(&admin, "admin").await;
    let r = app
        .patch(
            &format!("/api/v1/users/{me}"),
            &admin,
            json!({"role": "leader"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        app.get(&format!("/api/v1/users/{other}"), &admin)
            .await
            .status
            == 403,
        "no longer an admin"
    );
}

async fn patch_changes_only_what_it_names(app: TestApp) {
    let admin = app.admin_token().await;
    let (id, _) = app.user_with_role(&admin, "pic").await;
    let before = app.get(&format!("/api/v1/users/{id}"), &admin).await.body;
    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({"display_name": "Renamed"}),
        )
        .await;
    assert_eq!(r.body["display_name"], "Renamed");
    assert_eq!(r.body["agency_id"], before["agency_id"]);
    // A pic cannot lose its agency.
    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({"agency_id": null}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    // …but as a planner it may.
    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            json!({"role": "planner", "agency_id": null}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["agency_id"].is_null());
    app.patch(
        &format!("/api/v1/users/{id}"),
        &admin,
        json!({"nickname": "x"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let missing = uuid::Uuid::now_v7();
    app.patch(
        &format!("/api/v1/users/{missing}"),
        &admin,
        json!({"display_name": "x"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.get("/api/v1/users/not-a-uuid", &admin)
        .await
        .assert_problem(400, "invalid_path");
}

/// The role table over HTTP: which roles may reach which endpoints.
async fn role_table(app: TestApp) {
    let admin = app.admin_token().await;
    let agency = app.agency_id(&admin, "dpupr").await;
    // (method, path, body, roles that may)
    let new_code = || format!("c{}", &uuid::Uuid::now_v7().simple().to_string()[24..]);
    let all = [
        "admin",
        "coordinator",
        "leader",
        "agency_head",
        "division_head",
        "pic",
        "planner",
    ];
    for role in all {
        let token = if role == "admin" {
            admin.clone()
        } else {
            app.user_with_role(&admin, role).await.1
        };
        let reads = [
            "/api/v1/agencies".to_string(),
            format!("/api/v1/agencies/{agency}/divisions"),
            "/api/v1/categories".into(),
            "/api/v1/regions".into(),
            "/api/v1/accounts".into(),
            "/api/v1/me".into(),
            "/api/v1/jurisdiction".into(),
        ];
        for path in reads {
            assert_eq!(
                app.get(&path, &token).await.status,
                200,
                "{role} GET {path}"
            );
        }
        let writes = [
            (
                "/api/v1/agencies".to_string(),
                json!({"code": new_code(), "name": "X", "kind": "dinas"}),
            ),
            (
                "/api/v1/categories".into(),
                json!({"code": new_code(), "name": "X"}),
            ),
            (
                "/api/v1/regions".into(),
                json!({"code": new_code(), "name": "X", "level": "kecamatan"}),
            ),
            (
                format!("/api/v1/agencies/{agency}/divisions"),
                json!({"code": new_code(), "name": "X"}),
            ),
            (
                "/api/v1/users".into(),
                json!({"username": new_code(), "password": PASSWORD, "display_name": "X", "role": "planner"}),
            ),
        ];
        for (path, body) in writes {
            let r = app.post(&path, &token, body).await;
            if role == "admin" {
                assert_eq!(r.status, 201, "{role} POST {path}: {}", r.text);
            } else {
                r.assert_problem(403, "forbidden");
            }
        }
        let r = app.get("/api/v1/users", &token).await;
        assert_eq!(
            r.status.as_u16(),
            if role == "admin" { 200 } else { 403 },
            "{role} GET users"
        );
    }
}

async fn users_never_see_another_jurisdiction(app: TestApp) {
    let pwk = app.second_jurisdiction().await;
    let sbg = app.admin_token().await;
    let pwk_agencies = app.get("/api/v1/agencies", &pwk).await;
    assert_eq!(pwk_agencies.body["items"].as_array().unwrap().len(), 1);
    let pwk_dpupr = pwk_agencies.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Subang's admin cannot see or use Purwakarta's agency, nor its users.
    app.get(&format!("/api/v1/agencies/{pwk_dpupr}"), &sbg)
        .await
        .assert_problem(404, "not_found");
    let r = app
        .post("/api/v1/users", &sbg, json!({"username": "sneaky", "password": PASSWORD, "display_name": "X", "role": "pic", "agency_id": pwk_dpupr}))
        .await;
    r.assert_problem(422, "validation_failed");
    let pwk_me = app.get("/api/v1/me", &pwk).await.id();
    app.get(&format!("/api/v1/users/{pwk_me}"), &sbg)
        .await
        .assert_problem(404, "not_found");
    let listed = app.get("/api/v1/users?limit=200", &sbg).await;
    assert!(listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["username"] != "admin.pwk"));
    // The same code may exist in both jurisdictions.
    assert_ne!(app.agency_id(&sbg, "dpupr").await, pwk_dpupr);
}

on_both_backends!(
    admins_create_users_with_a_valid_scope,
    users_list_filters_and_pages,
    the_last_admin_cannot_be_removed,
    patch_changes_only_what_it_names,
    role_table,
    users_never_see_another_jurisdiction,
);
