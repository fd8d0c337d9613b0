//! Agencies, divisions, categories, regions and official accounts, on both backends.

mod common;

use common::TestApp;
use serde_json::{json, Value};

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

async fn the_bundled_subang_data_is_loaded(app: TestApp) {
    let t = app.admin_token().await;
    let kec = app
        .get("/api/v1/regions?level=kecamatan&limit=200", &t)
        .await;
    assert_eq!(items(&kec.body).len(), 30);
    assert!(items(&kec.body).iter().all(|r| r["parent_code"].is_null()));
    let desa = app.get("/api/v1/regions?parent_code=jalancagak", &t).await;
    assert!(items(&desa.body)
        .iter()
        .any(|r| r["name"] == "Curugrendeng" && r["parent_code"] == "jalancagak"));
    let kec_offices = app
        .get("/api/v1/agencies?kind=kecamatan&limit=200", &t)
        .await;
    assert_eq!(items(&kec_offices.body).len(), 30);
    let cats = app.get("/api/v1/categories?limit=200", &t).await;
    let cats = items(&cats.body);
    assert!((15..=25).contains(&cats.len()));
    let dpupr = app.agency_id(&t, "dpupr").await;
    let jalan = cats.iter().find(|c| c["code"] == "jalan").unwrap();
    assert_eq!(jalan["default_agency_id"], dpupr.as_str());
    assert!(jalan["keywords"]
        .as_array()
        .unwrap()
        .contains(&json!("berlubang")));
    let accounts = app.get("/api/v1/accounts?leadership=true", &t).await;
    assert!(items(&accounts.body)
        .iter()
        .all(|a| a["leadership"] == true && a["placeholder"] == true));
    assert!(!items(&accounts.body).is_empty());
}

async fn agencies_crud_with_conflicts_and_validation(app: TestApp) {
    let t = app.admin_token().await;
    let r = app
        .post(
            "/api/v1/agencies",
            &t,
            json!({"code": "rsud", "name": "RSUD Ciereng", "kind": "other"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    assert_eq!(
        r.headers.get("location").unwrap(),
        &format!("/api/v1/agencies/{id}")
    );
    assert_eq!(
        app.get(&format!("/api/v1/agencies/{id}"), &t).await.body["name"],
        "RSUD Ciereng"
    );

    app.post(
        "/api/v1/agencies",
        &t,
        json!({"code": "rsud", "name": "Again", "kind": "other"}),
    )
    .await
    .assert_problem(409, "duplicate_code");
    let r = app
        .post(
            "/api/v1/agencies",
            &t,
            json!({"code": "Bad Code", "name": "", "kind": "dinas"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "name"]);
    app.post(
        "/api/v1/agencies",
        &t,
        json!({"code": "x", "name": "X", "kind": "ministry"}),
    )
    .await
    .assert_problem(422, "validation_failed");

    let r = app
        .patch(
            &format!("/api/v1/agencies/{id}"),
            &t,
            json!({"name": "RSUD Kelas B Subang"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["code"], "rsud");
    assert_eq!(r.body["name"], "RSUD Kelas B Subang");
    app.patch(
        &format!("/api/v1/agencies/{id}"),
        &t,
        json!({"code": "dpupr"}),
    )
    .await
    .assert_problem(409, "duplicate_code");
    assert_eq!(
        app.get(&format!("/api/v1/agencies/{id}"), &t).await.body["code"],
        "rsud",
        "a failed change changes nothing"
    );
    let missing = uuid::Uuid::now_v7();
    app.patch(
        &format!("/api/v1/agencies/{missing}"),
        &t,
        json!({"name": "x"}),
    )
    .await
    .assert_problem(404, "not_found");

    let q = app.get("/api/v1/agencies?q=kesehatan", &t).await;
    assert!(
        items(&q.body).iter().any(|a| a["code"] == "dinkes"),
        "{}",
        q.text
    );
    // LIKE wildcards in q are taken literally.
    assert!(items(&app.get("/api/v1/agencies?q=%25", &t).await.body).is_empty());
}

async fn divisions_belong_to_their_agency(app: TestApp) {
    let t = app.admin_token().await;
    let dinkes = app.agency_id(&t, "dinkes").await;
    let r = app
        .post(
            &format!("/api/v1/agencies/{dinkes}/divisions"),
            &t,
            json!({"code": "dinkes.sdk", "name": "Bidang Sumber Daya Kesehatan"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["agency_id"], dinkes.as_str());
    let id = r.id();
    let listed = app
        .get(&format!("/api/v1/agencies/{dinkes}/divisions"), &t)
        .await;
    assert!(items(&listed.body)
        .iter()
        .all(|d| d["agency_id"] == dinkes.as_str()));
    assert!(items(&listed.body).iter().any(|d| d["id"] == id.as_str()));
    app.post(
        &format!("/api/v1/agencies/{dinkes}/divisions"),
        &t,
        json!({"code": "dpupr.bina-marga", "name": "X"}),
    )
    .await
    .assert_problem(409, "duplicate_code");
    let r = app
        .patch(
            &format!("/api/v1/divisions/{id}"),
            &t,
            json!({"name": "Bidang SDK"}),
        )
        .await;
    assert_eq!(r.body["name"], "Bidang SDK");
    assert_eq!(
        app.get(&format!("/api/v1/divisions/{id}"), &t).await.body["code"],
        "dinkes.sdk"
    );
    let missing = uuid::Uuid::now_v7();
    app.get(&format!("/api/v1/agencies/{missing}/divisions"), &t)
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("/api/v1/agencies/{missing}/divisions"),
        &t,
        json!({"code": "zz", "name": "Z"}),
    )
    .await
    .assert_problem(404, "not_found");
}

async fn categories_route_to_agencies(app: TestApp) {
    let t = app.admin_token().await;
    let bpbd = app.agency_id(&t, "bpbd").await;
    let r = app
        .post("/api/v1/categories", &t, json!({"code": "kekeringan", "name": "Kekeringan", "group": "Kebencanaan", "default_agency_id": bpbd, "keywords": [" Kemarau ", "kekeringan", "kemarau"]}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["keywords"], json!(["kemarau", "kekeringan"]));
    assert_eq!(r.body["group"], "Kebencanaan");
    let id = r.id();
    let r = app
        .patch(
            &format!("/api/v1/categories/{id}"),
            &t,
            json!({"default_agency_id": null, "group": null}),
        )
        .await;
    assert!(
        r.body["default_agency_id"].is_null() && r.body["group"].is_null(),
        "{}",
        r.text
    );
    assert_eq!(
        r.body["keywords"],
        json!(["kemarau", "kekeringan"]),
        "untouched"
    );
    let r = app
        .patch(
            &format!("/api/v1/categories/{id}"),
            &t,
            json!({"default_agency_id": uuid::Uuid::now_v7()}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "default_agency_id");
    app.post(
        "/api/v1/categories",
        &t,
        json!({"code": "jalan", "name": "Jalan"}),
    )
    .await
    .assert_problem(409, "duplicate_code");
    let found = app.get("/api/v1/categories?q=kemarau", &t).await;
    assert_eq!(items(&found.body).len(), 1, "keywords are searched");
    let by_agency = app
        .get(&format!("/api/v1/categories?default_agency_id={bpbd}"), &t)
        .await;
    assert!(items(&by_agency.body)
        .iter()
        .all(|c| c["default_agency_id"] == bpbd.as_str()));
}

async fn regions_keep_their_hierarchy(app: TestApp) {
    let t = app.admin_token().await;
    let r = app
        .post("/api/v1/regions", &t, json!({"code": "ciater.ciater", "name": "Ciater", "level": "desa", "parent_code": "ciater"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["parent_code"], "ciater");
    let desa = r.id();
    for (body, field) in [
        (
            json!({"code": "x1", "name": "X", "level": "desa"}),
            "parent_code",
        ),
        (
            json!({"code": "x2", "name": "X", "level": "kecamatan", "parent_code": "ciater"}),
            "parent_code",
        ),
        (
            json!({"code": "x3", "name": "X", "level": "desa", "parent_code": "ciater.ciater"}),
            "parent_code",
        ),
        (
            json!({"code": "x4", "name": "X", "level": "desa", "parent_code": "atlantis"}),
            "parent_code",
        ),
    ] {
        let r = app.post("/api/v1/regions", &t, body).await;
        r.assert_problem(422, "validation_failed");
        assert_eq!(r.body["errors"][0]["field"], field);
    }
    // Move the desa to another kecamatan; a kecamatan with desa cannot become a desa.
    let r = app
        .patch(
            &format!("/api/v1/regions/{desa}"),
            &t,
            json!({"parent_code": "jalancagak"}),
        )
        .await;
    assert_eq!(r.body["parent_code"], "jalancagak", "{}", r.text);
    let jalancagak = items(
        &app.get("/api/v1/regions?q=jalancagak&level=kecamatan", &t)
            .await
            .body,
    )[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .patch(
            &format!("/api/v1/regions/{jalancagak}"),
            &t,
            json!({"level": "desa", "parent_code": "subang"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    app.get("/api/v1/regions?parent_code=atlantis", &t)
        .await
        .assert_problem(400, "invalid_query");
}

async fn accounts_must_live_on_their_platform(app: TestApp) {
    let t = app.admin_token().await;
    let dinsos = app.agency_id(&t, "dinsos").await;
    let r = app
        .post("/api/v1/accounts", &t, json!({"platform": "instagram", "handle": "@DinsosSubang", "url": "https://instagram.com/dinsossubang", "agency_id": dinsos}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["handle"], "dinsossubang");
    assert_eq!(r.body["leadership"], false);
    let id = r.id();
    app.post("/api/v1/accounts", &t, json!({"platform": "instagram", "handle": "dinsossubang", "url": "https://instagram.com/dinsossubang"}))
        .await
        .assert_problem(409, "duplicate_account");
    let r = app
        .post(
            "/api/v1/accounts",
            &t,
            json!({"platform": "tiktok", "handle": "x", "url": "https://www.instagram.com/x"}),
        )
        .await;
    assert_eq!(r.body["errors"][0]["field"], "url", "{}", r.text);
    app.post(
        "/api/v1/accounts",
        &t,
        json!({"platform": "myspace", "handle": "x", "url": "https://myspace.com/x"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    // Changing the platform alone re-checks the stored URL.
    app.patch(
        &format!("/api/v1/accounts/{id}"),
        &t,
        json!({"platform": "youtube"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let r = app
        .patch(
            &format!("/api/v1/accounts/{id}"),
            &t,
            json!({"placeholder": true, "agency_id": null}),
        )
        .await;
    assert_eq!(r.body["placeholder"], true);
    assert!(r.body["agency_id"].is_null());
    let listed = app
        .get("/api/v1/accounts?platform=instagram&limit=200", &t)
        .await;
    assert!(items(&listed.body)
        .iter()
        .all(|a| a["platform"] == "instagram"));
}

async fn pages_walk_every_row_once(app: TestApp) {
    let t = app.admin_token().await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/regions?level=kecamatan&limit=7&cursor={c}"),
            None => "/api/v1/regions?level=kecamatan&limit=7".to_string(),
        };
        let r = app.get(&path, &t).await;
        assert_eq!(r.status, 200, "{}", r.text);
        for item in items(&r.body) {
            seen.push(item["code"].as_str().unwrap().to_string());
        }
        // A row added before the cursor does not shift later pages.
        if cursor.is_none() {
            app.post(
                "/api/v1/regions",
                &t,
                json!({"code": "aaa-new", "name": "New", "level": "kecamatan"}),
            )
            .await;
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "ordered, no repeats");
    assert_eq!(seen.len(), 30);
}

on_both_backends!(
    the_bundled_subang_data_is_loaded,
    agencies_crud_with_conflicts_and_validation,
    divisions_belong_to_their_agency,
    categories_route_to_agencies,
    regions_keep_their_hierarchy,
    accounts_must_live_on_their_platform,
    pages_walk_every_row_once,
    concurrent_writers_queue_and_never_duplicate,
);

/// Sixteen admins' requests at once, distinct and identical codes mixed: no 5xx, no
/// "database is locked", exactly one row per code.
async fn concurrent_writers_queue_and_never_duplicate(app: TestApp) {
    let t = app.admin_token().await;
    let requests = (0..16).map(|i| {
        let code = format!("conc-{}", i % 4);
        app.post(
            "/api/v1/agencies",
            &t,
            json!({"code": code, "name": "Concurrent", "kind": "other"}),
        )
    });
    let answers = futures_util::future::join_all(requests).await;
    let created = answers.iter().filter(|r| r.status == 201).count();
    for r in &answers {
        assert!(
            r.status == 201 || r.status == 409,
            "{} {}",
            r.status,
            r.text
        );
    }
    assert_eq!(created, 4, "one per code");
    let listed = app.get("/api/v1/agencies?q=conc-", &t).await;
    assert_eq!(items(&listed.body).len(), 4);
}
