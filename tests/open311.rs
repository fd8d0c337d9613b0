//! Open311 GeoReport v2 conformance over HTTP, on SQLite and PostgreSQL: every method in XML and
//! JSON, with the error cases; API keys and how a request made with one is attributed.

mod common;

use actix_web::http::{header, Method};
use actix_web::test::TestRequest;
use common::{Resp, TestApp};
use serde_json::{json, Value};

const PNG: &[u8] = include_bytes!("fixtures/plain.png");

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn get(app: &TestApp, path: &str) -> Resp {
    app.send(TestRequest::get().uri(path)).await
}

async fn post_form(app: &TestApp, path: &str, pairs: &[(&str, &str)]) -> Resp {
    app.send(
        TestRequest::post()
            .uri(path)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(form(pairs)),
    )
    .await
}

/// Posts a multipart form with text parts and one `media` file.
async fn post_multipart(app: &TestApp, path: &str, pairs: &[(&str, &str)], media: &[u8]) -> Resp {
    let boundary = "----open311-test-boundary";
    let mut body = Vec::new();
    for (k, v) in pairs {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"lubang.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(media);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.send(
        TestRequest::post()
            .uri(path)
            .insert_header((
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body),
    )
    .await
}

/// Asserts the XML answer's shape: declared, the right content type, this root; gives the text.
fn xml(r: &Resp, status: u16, root: &str) -> String {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.content_type(), "text/xml; charset=utf-8");
    assert!(
        r.text
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{}",
        r.text
    );
    let doc = roxmltree::Document::parse(&r.text).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), root, "{}", r.text);
    r.text.clone()
}

/// The children of the XML root, each as a map of its child elements' text.
fn xml_items(text: &str) -> Vec<Vec<(String, String)>> {
    let doc = roxmltree::Document::parse(text).unwrap();
    doc.root_element()
        .children()
        .filter(|n| n.is_element())
        .map(|item| {
            item.children()
                .filter(|n| n.is_element())
                .map(|f| {
                    (
                        f.tag_name().name().to_string(),
                        f.text().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .collect()
}

fn field<'a>(item: &'a [(String, String)], name: &str) -> &'a str {
    item.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no <{name}> in {item:?}"))
}

/// Asserts a JSON answer: the right content type, a top-level array; gives the array.
fn json_list(r: &Resp, status: u16) -> Vec<Value> {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.content_type(), "application/json; charset=utf-8");
    r.body.as_array().expect("a top-level array").clone()
}

/// Asserts an Open311 error in either format: the status, `{code, description}` per problem with
/// the code a string, and a description containing `needle`.
fn assert_error(r: &Resp, status: u16, needle: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    if r.content_type().starts_with("application/json") {
        let errors = json_list(r, status);
        assert!(!errors.is_empty());
        for e in &errors {
            assert_eq!(e["code"], status.to_string(), "{}", r.text);
            assert!(e["description"].is_string());
        }
        assert!(
            errors
                .iter()
                .any(|e| e["description"].as_str().unwrap().contains(needle)),
            "{needle} in {}",
            r.text
        );
    } else {
        let text = xml(r, status, "errors");
        let items = xml_items(&text);
        assert!(!items.is_empty());
        for e in &items {
            assert_eq!(field(e, "code"), status.to_string());
        }
        assert!(
            items
                .iter()
                .any(|e| field(e, "description").contains(needle)),
            "{needle} in {text}"
        );
    }
}

/// Asserts that the first JSON object in `text` has exactly these fields, in this order.
fn assert_fields_in_order(text: &str, object: &Value, names: &[&str]) {
    let mut keys: Vec<&str> = object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = names.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let at: Vec<usize> = names
        .iter()
        .map(|n| text.find(&format!("\"{n}\":")).unwrap())
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "{names:?} in order in {text}"
    );
}

/// Creates an API key as `admin`: `(id, key)`.
async fn new_key(app: &TestApp, admin: &str, name: &str) -> (String, String) {
    let r = app
        .post("/api/v1/api-keys", admin, json!({"name": name}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    (r.id(), r.body["key"].as_str().expect("the key").to_string())
}

fn pothole(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", key),
        ("service_code", "jalan"),
        ("lat", "-6.5712"),
        ("long", "107.7601"),
        ("address_string", "Jl. Otista, Subang"),
        (
            "description",
            "Lubang besar di depan pasar, sudah dua motor jatuh. Hubungi 0812-1111-2222",
        ),
        ("attribute[tingkat-kerusakan]", "berat"),
        ("attribute[panjang-kerusakan]", "12.5"),
        ("email", "warga@example.com"),
        ("first_name", "Siti"),
        ("last_name", "Aminah"),
        ("phone", "0812-1111-2222"),
        ("device_id", "android-42"),
        ("account_id", "fms-7781"),
        ("media_url", "https://cdn.example.org/lubang.jpg"),
    ]
}

/// Discovery, the service list and a service definition, in both formats; unknown codes,
/// formats and tokens.
async fn discovery_and_services(app: TestApp) {
    let r = get(&app, "/open311/v2/discovery.json").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), "application/json; charset=utf-8");
    let endpoint = &r.body["endpoints"][0];
    assert_eq!(
        endpoint["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(endpoint["url"].as_str().unwrap().ends_with("/open311/v2"));
    assert_eq!(endpoint["formats"], json!(["text/xml", "application/json"]));
    assert!(r.body["changeset"].as_str().unwrap().ends_with('Z'));
    let text = xml(
        &get(&app, "/open311/v2/discovery.xml").await,
        200,
        "discovery",
    );
    assert!(text.contains("<formats>\n        <format>text/xml</format>"));

    let services = json_list(&get(&app, "/open311/v2/services.json").await, 200);
    assert!(services.len() >= 15, "{services:?}");
    let jalan = services
        .iter()
        .find(|s| s["service_code"] == "jalan")
        .unwrap();
    assert_eq!(jalan["service_name"], "Jalan rusak");
    assert_eq!(jalan["metadata"], true);
    assert_eq!(jalan["type"], "realtime");
    assert_eq!(jalan["group"], "Infrastruktur");
    assert!(jalan["description"].as_str().unwrap().contains("berlubang"));
    assert_eq!(
        jalan["keywords"],
        "jalan, rusak, berlubang, aspal, jalan rusak"
    );
    let sampah = services
        .iter()
        .find(|s| s["service_code"] == "sampah")
        .unwrap();
    assert_eq!(sampah["metadata"], false);
    for s in &services {
        assert!(s["service_code"].is_string());
    }
    assert_fields_in_order(
        &get(&app, "/open311/v2/services.json").await.text,
        &services[0],
        &[
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        ],
    );
    let text = xml(
        &get(&app, "/open311/v2/services.xml").await,
        200,
        "services",
    );
    let items = xml_items(&text);
    assert_eq!(items.len(), services.len());
    let jalan_xml = items
        .iter()
        .find(|i| field(i, "service_code") == "jalan")
        .unwrap();
    assert_eq!(field(jalan_xml, "metadata"), "true");
    assert_eq!(field(jalan_xml, "type"), "realtime");
    assert_eq!(field(jalan_xml, "keywords"), jalan["keywords"]);

    // The definition: the category's questions as attributes.
    let r = get(&app, "/open311/v2/services/jalan.json").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["service_code"], "jalan");
    let attrs = r.body["attributes"].as_array().unwrap();
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs[0]["code"], "tingkat-kerusakan");
    assert_eq!(attrs[0]["datatype"], "singlevaluelist");
    assert_eq!(attrs[0]["required"], true);
    assert_eq!(attrs[0]["variable"], true);
    assert_eq!(attrs[0]["order"], 1);
    assert_eq!(attrs[1]["order"], 2);
    assert_eq!(
        attrs[0]["values"][2],
        json!({"key": "berat", "name": "Berat: tidak bisa dilalui kendaraan"})
    );
    assert_eq!(attrs[1]["datatype"], "number");
    assert_eq!(attrs[1]["datatype_description"], "dalam meter");
    assert_eq!(attrs[1]["values"], json!([]));
    let text = xml(
        &get(&app, "/open311/v2/services/jalan.xml").await,
        200,
        "service_definition",
    );
    let doc = roxmltree::Document::parse(&text).unwrap();
    let values: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("value"))
        .filter_map(|v| v.children().find(|c| c.has_tag_name("key")))
        .filter_map(|k| k.text())
        .collect();
    assert_eq!(values, ["ringan", "sedang", "berat"]);
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("attribute"))
            .count(),
        2
    );

    // Unknown services, extensions and methods; tokens are never issued (all services are
    // realtime).
    for (path, needle) in [
        ("/open311/v2/services/nope.json", "no service 'nope'"),
        ("/open311/v2/services/nope.xml", "no service 'nope'"),
        ("/open311/v2/services.html", ".xml or .json"),
        ("/open311/v2/services", "Open311"),
        ("/open311/v2/nothing.json", "discovery"),
        ("/open311/v2/tokens/abc123.json", "realtime"),
        ("/open311/v2/tokens/abc123.xml", "realtime"),
    ] {
        assert_error(&get(&app, path).await, 404, needle);
    }
    // A wrong method answers in the resource's format.
    let r = app
        .send(TestRequest::delete().uri("/open311/v2/requests.json"))
        .await;
    assert_error(&r, 405, "DELETE");
    assert_eq!(r.headers.get(header::ALLOW).unwrap(), "GET, POST");
    let r = app
        .send(TestRequest::post().uri("/open311/v2/services.xml"))
        .await;
    assert_error(&r, 405, "POST");
    assert_eq!(r.headers.get(header::ALLOW).unwrap(), "GET");
    let r = app
        .send(TestRequest::post().uri("/open311/v2/nothing.json"))
        .await;
    assert_error(&r, 404, "no Open311 method");
}

/// API keys: made by admins, shown once, stored hashed, revoked; requests without a good key
/// are refused and write nothing.
async fn api_keys(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let r = app
        .post("/api/v1/api-keys", &coord, json!({"name": "x"}))
        .await;
    r.assert_problem(403, "forbidden");
    let r = app
        .post("/api/v1/api-keys", &admin, json!({"name": "  "}))
        .await;
    r.assert_problem(422, "validation_failed");
    let r = app
        .post(
            "/api/v1/api-keys",
            &admin,
            json!({"name": "Lapor Subang", "scope": "all"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(app.count("api_keys"), 0);

    let (id, key) = new_key(&app, &admin, "Lapor Subang").await;
    assert!(key.starts_with("aduan_") && key.len() == 46);
    // Only the hash is stored.
    let r = app.get(&format!("/api/v1/api-keys/{id}"), &admin).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["name"], "Lapor Subang");
    assert_eq!(r.body["prefix"], &key[..12]);
    assert!(r.body.get("key").is_none() && !r.text.contains(&key));
    let list = app.get("/api/v1/api-keys", &admin).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert!(!list.text.contains(&key));
    {
        use diesel::prelude::*;
        let mut conn = app.state.db.conn().unwrap();
        let stored: String = aduan::db::schema::api_keys::table
            .select(aduan::db::schema::api_keys::key_hash)
            .first(&mut *conn)
            .unwrap();
        assert_eq!(stored, aduan::auth::keys::hash_key(&key));
        assert_ne!(stored, key);
    }
    // The key's user: role api_client, never able to sign in or be edited as a person.
    let user_id = r.body["user_id"].as_str().unwrap().to_string();
    let user = app.get(&format!("/api/v1/users/{user_id}"), &admin).await;
    assert_eq!(user.body["role"], "api_client");
    assert_eq!(user.body["display_name"], "Lapor Subang");
    let r = app
        .patch(
            &format!("/api/v1/users/{user_id}"),
            &admin,
            json!({"role": "pic"}),
        )
        .await;
    r.assert_problem(409, "managed_by_api_key");
    let r = app
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "robot", "password": common::PASSWORD, "display_name": "r", "role": "api_client"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");

    // No key, a wrong key: 403 in the format asked for, nothing written.
    let tickets = app.count("tickets");
    let mut fields = pothole(&key);
    fields.retain(|(k, _)| *k != "api_key");
    assert_error(
        &post_form(&app, "/open311/v2/requests.json", &fields).await,
        403,
        "api_key is required",
    );
    let mut wrong = fields.clone();
    wrong.push(("api_key", "aduan_not-a-key"));
    assert_error(
        &post_form(&app, "/open311/v2/requests.xml", &wrong).await,
        403,
        "not valid",
    );
    // An empty api_key is no api_key.
    let mut empty = fields.clone();
    empty.push(("api_key", ""));
    assert_error(
        &post_form(&app, "/open311/v2/requests.json", &empty).await,
        403,
        "api_key is required",
    );
    assert_eq!(app.count("tickets"), tickets);

    // The key works, in the body or in the query string.
    let r = post_form(&app, "/open311/v2/requests.json", &pothole(&key)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = post_form(
        &app,
        &format!("/open311/v2/requests.json?api_key={key}"),
        &[
            ("service_code", "sampah"),
            ("address_string", "Pasar Pujasera"),
            ("description", "Sampah menumpuk tiga hari"),
        ],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let used = app.get(&format!("/api/v1/api-keys/{id}"), &admin).await;
    assert!(used.body["last_used_at"].is_string());

    // Revoked: refused from now on, still listed with include_revoked.
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let again = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(again.status, 204);
    let tickets = app.count("tickets");
    assert_error(
        &post_form(&app, "/open311/v2/requests.json", &pothole(&key)).await,
        403,
        "revoked",
    );
    assert_eq!(app.count("tickets"), tickets);
    let live = app.get("/api/v1/api-keys", &admin).await;
    assert_eq!(live.body["items"], json!([]));
    let all = app
        .get("/api/v1/api-keys?include_revoked=true", &admin)
        .await;
    assert!(all.body["items"][0]["revoked_at"].is_string());
    let r = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{}", uuid::Uuid::now_v7()),
            Some(&admin),
            None,
        )
        .await;
    r.assert_problem(404, "not_found");
}

/// POST requests: the ticket it makes, its attribution, answers and media; every field's
/// errors, each refusing without writing.
async fn posting_requests(app: TestApp) {
    let admin = app.admin_token().await;
    let (key_id, key) = new_key(&app, &admin, "FixMyStreet Subang").await;

    let r = post_form(&app, "/open311/v2/requests.json", &pothole(&key)).await;
    let answer = json_list(&r, 201);
    assert_eq!(answer.len(), 1);
    let code = answer[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(code.starts_with("SBG-"), "{code}");
    assert_eq!(answer[0]["account_id"], "fms-7781");
    assert!(answer[0]["service_notice"]
        .as_str()
        .unwrap()
        .contains("to be resolved within"));

    // The ticket: new, channel open311, filed by the key's user, answers kept.
    let id = ticket_id(&app, &admin, &code).await;
    let t = app.get(&format!("/api/v1/tickets/{id}"), &admin).await.body;
    assert_eq!(t["status"], "new");
    assert_eq!(t["source"]["platform"], "open311");
    assert_eq!(t["category"], "jalan");
    assert_eq!(t["location"], json!({"lat": -6.5712, "long": 107.7601}));
    assert_eq!(t["address"], "Jl. Otista, Subang");
    assert_eq!(t["source"]["author"], "Siti Aminah");
    let events = app
        .get(&format!("/api/v1/tickets/{id}/events"), &admin)
        .await;
    let filing = &events.body["items"][0];
    assert_eq!(filing["action"], "file");
    assert_eq!(filing["actor"]["role"], "api_client");
    assert_eq!(filing["data"]["channel"], "open311");
    assert_eq!(filing["data"]["api_key"]["id"], key_id.as_str());
    assert_eq!(filing["data"]["api_key"]["name"], "FixMyStreet Subang");
    // The staff see what came with it; a planner does not, nor a ticket filed otherwise.
    let r = app
        .get(&format!("/api/v1/tickets/{id}/open311"), &admin)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["email"], "warga@example.com");
    assert_eq!(r.body["phone"], "0812-1111-2222");
    assert_eq!(r.body["api_key_id"], key_id.as_str());
    assert_eq!(r.body["api_key_name"], "FixMyStreet Subang");
    assert_eq!(r.body["media_url"], "https://cdn.example.org/lubang.jpg");
    assert_eq!(
        r.body["answers"],
        json!({"panjang-kerusakan": "12.5", "tingkat-kerusakan": "berat"})
    );
    let (_, planner) = app.user_with_role(&admin, "planner").await;
    app.get(&format!("/api/v1/tickets/{id}/open311"), &planner)
        .await
        .assert_problem(404, "not_found");
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let other = app
        .post(
            "/api/v1/tickets",
            &pic,
            json!({"source": {"platform": "walk_in", "text": "Lapor langsung"}}),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text);
    app.get(&format!("/api/v1/tickets/{}/open311", other.id()), &admin)
        .await
        .assert_problem(404, "not_found");

    // The same reporter sending the same report again gets the same request, nothing new.
    let tickets = app.count("tickets");
    let r = post_form(&app, "/open311/v2/requests.json", &pothole(&key)).await;
    let again = json_list(&r, 200);
    assert_eq!(again[0]["service_request_id"], code.as_str());
    assert_eq!(app.count("tickets"), tickets);

    // XML, multipart with a media file: stored as an attachment the staff can open.
    let attachments = app.count("attachments");
    let r = post_multipart(
        &app,
        "/open311/v2/requests.xml",
        &[
            ("api_key", &key),
            ("service_code", "banjir-drainase"),
            ("lat", "-6.55"),
            ("long", "107.75"),
            ("description", "Genangan setinggi lutut di perempatan"),
            ("attribute[kedalaman-cm]", "45"),
            ("attribute[penyebab][]", "sampah"),
            ("attribute[penyebab][]", "hujan"),
        ],
        PNG,
    )
    .await;
    let text = xml(&r, 201, "service_requests");
    let items = xml_items(&text);
    assert_eq!(items.len(), 1);
    let flood = field(&items[0], "service_request_id").to_string();
    assert!(flood.starts_with("SBG-") && flood != code);
    assert_eq!(field(&items[0], "account_id"), "");
    assert_eq!(app.count("attachments"), attachments + 1);
    let flood_id = ticket_id(&app, &admin, &flood).await;
    let r = app
        .get(&format!("/api/v1/tickets/{flood_id}/open311"), &admin)
        .await;
    assert_eq!(r.body["answers"]["penyebab"], json!(["sampah", "hujan"]));
    assert_eq!(r.body["answers"]["kedalaman-cm"], "45");
    let attachment_id = r.body["attachment_id"].as_str().unwrap().to_string();
    let r = app
        .get(&format!("/api/v1/attachments/{attachment_id}"), &admin)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.bytes, PNG);

    // Each bad field: 400 naming it, in the format asked for, nothing written.
    let tickets = app.count("tickets");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("service_code", "")], "service_code: is required"),
        (vec![("service_code", "ufo")], "'ufo' is not a service here"),
        (
            vec![("attribute[tingkat-kerusakan]", "")],
            "attribute[tingkat-kerusakan]: is required",
        ),
        (
            vec![("attribute[tingkat-kerusakan]", "parah")],
            "'parah' is not one of ringan, sedang, berat",
        ),
        (
            vec![("attribute[panjang-kerusakan]", "jauh")],
            "attribute[panjang-kerusakan]: must be a number",
        ),
        (vec![("lat", "95")], "lat: must be a number from -90 to 90"),
        (vec![("long", "")], "lat and long go together"),
        (
            vec![("email", "bukan-email")],
            "email: is not an e-mail address",
        ),
        (vec![("phone", "call me")], "phone: may hold only digits"),
        (
            vec![("media_url", "ftp://x.org/a.jpg")],
            "media_url: must be an http",
        ),
    ];
    let long = "x".repeat(4001);
    let mut cases = cases;
    cases.push((
        vec![("description", long.as_str())],
        "at most 4000 characters",
    ));
    for (changes, needle) in &cases {
        let mut fields = pothole(&key);
        fields.retain(|(k, _)| !changes.iter().any(|(c, _)| c == k));
        fields.extend(changes.iter().copied());
        // A different reporter, so that no case is answered as a repeat.
        fields.retain(|(k, _)| *k != "email" || changes.iter().any(|(c, _)| *c == "email"));
        let r = post_form(&app, "/open311/v2/requests.json", &fields).await;
        assert_error(&r, 400, needle);
        let r = post_form(&app, "/open311/v2/requests.xml", &fields).await;
        assert_error(&r, 400, needle);
    }
    // No location at all.
    let r = post_form(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", &key),
            ("service_code", "sampah"),
            ("description", "x"),
        ],
    )
    .await;
    assert_error(&r, 400, "location: is required");
    // Several problems at once: one error each.
    let r = post_form(
        &app,
        "/open311/v2/requests.json",
        &[("api_key", &key), ("lat", "x"), ("long", "y")],
    )
    .await;
    assert_eq!(json_list(&r, 400).len(), 3, "{}", r.text);
    // Not a form.
    let r = app
        .send(
            TestRequest::post()
                .uri(&format!("/open311/v2/requests.json?api_key={key}"))
                .set_json(json!({"service_code": "jalan"})),
        )
        .await;
    assert_error(&r, 400, "application/x-www-form-urlencoded");
    // A media file that is no image.
    let r = post_multipart(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", &key),
            ("service_code", "sampah"),
            ("address_string", "Pasar"),
        ],
        b"#!/bin/sh\necho not a photo\n",
    )
    .await;
    assert_error(&r, 400, "only JPEG, PNG");
    assert_eq!(app.count("tickets"), tickets);
    assert_eq!(app.count("open311_requests"), 2);
}

/// GET requests and requests/{id}: every field, public data only, filters, windows, paging,
/// errors; the same in XML.
async fn reading_requests(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "Lapor").await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let bina_marga = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;

    // 1: from Open311, then routed, assigned, started (a resolve deadline exists).
    let r = post_form(&app, "/open311/v2/requests.json", &pothole(&key)).await;
    let c1 = r.body[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let id1 = ticket_id(&app, &admin, &c1).await;
    for (token, action, body) in [
        (&coord, "route", json!({"agency_id": dpupr})),
        (&head, "assign", json!({"division_id": bina_marga})),
        (&divhead, "start", json!({})),
    ] {
        let r = app
            .post(&format!("/api/v1/tickets/{id1}/{action}"), token, body)
            .await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    }
    // 2: a PIC's Instagram comment, referred elsewhere.
    let c2 = file_comment(&app, &pic, "1801", false, false).await;
    let id2 = ticket_id(&app, &admin, &c2).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{id2}/refer"),
            &coord,
            json!({"to": "PLN UP3 Subang"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // 3: anonymous, merged into 1.
    let c3 = file_comment(&app, &pic, "1802", true, false).await;
    let id3 = ticket_id(&app, &admin, &c3).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{id3}/merge"),
            &coord,
            json!({"into": id1}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // 4: confidential: never shown.
    let c4 = file_comment(&app, &pic, "1803", false, true).await;

    let r = get(&app, "/open311/v2/requests.json").await;
    let list = json_list(&r, 200);
    let codes: Vec<&str> = list
        .iter()
        .map(|x| x["service_request_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [c3.as_str(), &c2, &c1],
        "newest first, no confidential"
    );
    assert!(!r.text.contains(&c4));
    // No personal data: contact, names, handles; phone numbers in texts masked.
    for secret in [
        "warga@example.com",
        "Siti",
        "Aminah",
        "0812-1111-2222",
        "android-42",
        "fms-7781",
        "warga_jalancagak",
    ] {
        assert!(!r.text.contains(secret), "{secret} in {}", r.text);
    }
    let one = list
        .iter()
        .find(|x| x["service_request_id"] == c1.as_str())
        .unwrap();
    let keys = [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ];
    assert_fields_in_order(&r.text, &list[0], &keys);
    assert_eq!(one["status"], "open");
    assert_eq!(one["service_code"], "jalan");
    assert_eq!(one["service_name"], "Jalan rusak");
    assert_eq!(
        one["agency_responsible"],
        "Dinas Pekerjaan Umum dan Penataan Ruang"
    );
    assert!(one["status_notes"]
        .as_str()
        .unwrap()
        .starts_with("being worked on in the field by Dinas Pekerjaan Umum"));
    assert!(one["description"]
        .as_str()
        .unwrap()
        .starts_with("Lubang besar"));
    // Published to about 100 m (filed at -6.5712, 107.7601).
    assert_eq!(one["lat"], -6.571);
    assert_eq!(one["long"], 107.76);
    assert_eq!(one["media_url"], "https://cdn.example.org/lubang.jpg");
    for t in [
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
    ] {
        let v = one[t].as_str().unwrap_or_else(|| panic!("{t}: {one}"));
        assert!(v.ends_with("+07:00"), "{t}: {v}");
        chrono::DateTime::parse_from_rfc3339(v).unwrap();
    }
    let two = list
        .iter()
        .find(|x| x["service_request_id"] == c2.as_str())
        .unwrap();
    assert_eq!(two["status"], "closed");
    assert_eq!(
        two["status_notes"],
        "referred elsewhere: a matter for PLN UP3 Subang"
    );
    assert_eq!(two["expected_datetime"], Value::Null);
    let three = list
        .iter()
        .find(|x| x["service_request_id"] == c3.as_str())
        .unwrap();
    assert_eq!(three["status"], "closed");
    assert_eq!(three["status_notes"], format!("duplicate of {c1}"));
    assert_eq!(three["description"], Value::Null, "anonymous: no text");

    // XML: the same requests and fields.
    let text = xml(
        &get(&app, "/open311/v2/requests.xml").await,
        200,
        "service_requests",
    );
    let items = xml_items(&text);
    assert_eq!(items.len(), 3);
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert!(doc
        .root_element()
        .children()
        .filter(|n| n.is_element())
        .all(|n| n.has_tag_name("request")));
    let x1 = items
        .iter()
        .find(|i| field(i, "service_request_id") == c1)
        .unwrap();
    let names: Vec<&str> = x1.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, keys);
    assert_eq!(field(x1, "lat"), "-6.571");
    assert_eq!(field(x1, "status_notes"), one["status_notes"]);
    assert_eq!(field(x1, "expected_datetime"), one["expected_datetime"]);

    // Filters.
    let codes_of = |r: &Resp| -> Vec<String> {
        json_list(r, 200)
            .iter()
            .map(|x| x["service_request_id"].as_str().unwrap().to_string())
            .collect()
    };
    let r = get(&app, "/open311/v2/requests.json?status=open").await;
    assert_eq!(codes_of(&r), [c1.as_str()]);
    let r = get(&app, "/open311/v2/requests.json?status=closed").await;
    assert_eq!(codes_of(&r), [c3.clone(), c2.clone()]);
    let r = get(
        &app,
        "/open311/v2/requests.json?status=open,closed&service_code=jalan",
    )
    .await;
    assert_eq!(codes_of(&r), [c3.clone(), c2.clone(), c1.clone()]);
    let r = get(&app, "/open311/v2/requests.json?service_code=sampah").await;
    assert_eq!(codes_of(&r), Vec::<String>::new());
    // Empty parameters are absent parameters.
    let r = get(
        &app,
        "/open311/v2/requests.json?status=&service_code=&start_date=&end_date=&page=&page_size=&jurisdiction_id=",
    )
    .await;
    assert_eq!(codes_of(&r).len(), 3);
    // service_request_id overrides the rest, and may name a confidential one in vain.
    let r = get(
        &app,
        &format!(
            "/open311/v2/requests.json?service_request_id={},{c2},{c4}&status=open&service_code=sampah",
            c1.to_lowercase()
        ),
    )
    .await;
    assert_eq!(codes_of(&r), [c2.clone(), c1.clone()]);
    // Paging.
    let r = get(&app, "/open311/v2/requests.json?page_size=2").await;
    assert_eq!(codes_of(&r), [c3.clone(), c2.clone()]);
    let r = get(&app, "/open311/v2/requests.json?page_size=2&page=2").await;
    assert_eq!(codes_of(&r), [c1.as_str()]);
    // Windows.
    let now = chrono::Utc::now();
    let day = |d: i64| {
        (now + chrono::Duration::days(d))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let r = get(
        &app,
        &format!(
            "/open311/v2/requests.json?start_date={}&end_date={}",
            day(-1),
            day(1)
        ),
    )
    .await;
    assert_eq!(codes_of(&r).len(), 3);
    let r = get(
        &app,
        &format!("/open311/v2/requests.json?end_date={}", day(-1)),
    )
    .await;
    assert_eq!(codes_of(&r), Vec::<String>::new());
    let r = get(
        &app,
        &format!("/open311/v2/requests.json?start_date={}", day(-1)),
    )
    .await;
    assert_eq!(codes_of(&r).len(), 3);
    let local_today = (now + chrono::Duration::hours(7))
        .format("%Y-%m-%d")
        .to_string();
    let r = get(
        &app,
        &format!("/open311/v2/requests.json?start_date={local_today}"),
    )
    .await;
    assert_eq!(codes_of(&r).len(), 3, "a bare date is a local day");
    // Errors.
    let r = get(
        &app,
        &format!(
            "/open311/v2/requests.json?start_date={}&end_date={}",
            day(-100),
            day(0)
        ),
    )
    .await;
    assert_error(&r, 400, "at most 90 days apart");
    let r = get(&app, "/open311/v2/requests.xml?start_date=kemarin").await;
    assert_error(&r, 400, "start_date must be a W3C date");
    let r = get(
        &app,
        "/open311/v2/requests.json?status=pending&service_code=ufo&page=0",
    )
    .await;
    assert_eq!(json_list(&r, 400).len(), 3, "{}", r.text);
    assert_error(&r, 400, "status must be open or closed");
    let r = get(&app, "/open311/v2/requests.json?page_size=1001").await;
    assert_error(&r, 400, "page_size");

    // One request: a list of one, in both formats; unknown and confidential are 404.
    let r = get(&app, &format!("/open311/v2/requests/{c1}.json")).await;
    let single = json_list(&r, 200);
    assert_eq!(single.len(), 1);
    assert_eq!(&single[0], one);
    let r = get(
        &app,
        &format!("/open311/v2/requests/{}.xml", c2.to_lowercase()),
    )
    .await;
    let items = xml_items(&xml(&r, 200, "service_requests"));
    assert_eq!(items.len(), 1);
    assert_eq!(field(&items[0], "status"), "closed");
    assert_error(
        &get(&app, &format!("/open311/v2/requests/{c4}.json")).await,
        404,
        "no public request",
    );
    assert_error(
        &get(&app, "/open311/v2/requests/SBG-00-000000.xml").await,
        404,
        "no public request",
    );
}

async fn ticket_id(app: &TestApp, admin: &str, code: &str) -> String {
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/tickets?limit=200&cursor={c}"),
            None => "/api/v1/tickets?limit=200".to_string(),
        };
        let r = app.get(&path, admin).await;
        if let Some(t) = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
        {
            return t["id"].as_str().unwrap().to_string();
        }
        cursor = r.body["next_cursor"].as_str().map(str::to_string);
        assert!(cursor.is_some(), "no ticket {code}");
    }
}

/// Files an Instagram comment as a PIC; gives the tracking code.
async fn file_comment(
    app: &TestApp,
    pic: &str,
    comment: &str,
    anonymous: bool,
    confidential: bool,
) -> String {
    let r = app
        .post(
            "/api/v1/tickets",
            pic,
            json!({
                "source": {
                    "platform": "instagram",
                    "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/{comment}/"),
                    "author": "warga_jalancagak",
                    "text": format!("Jalan rusak parah {comment}, WA 0812-1111-2222")
                },
                "category": "jalan",
                "anonymous": anonymous,
                "confidential": confidential,
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["code"].as_str().unwrap().to_string()
}

/// servicerequestupdates: the changes of state, oldest first, with extended statuses.
async fn updates(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "Lapor").await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let r = post_form(&app, "/open311/v2/requests.json", &pothole(&key)).await;
    let c1 = r.body[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let id1 = ticket_id(&app, &admin, &c1).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{id1}/route"),
            &coord,
            json!({"agency_id": dpupr}),
        )
        .await;
    assert_eq!(r.status, 200);
    // A reply is not a change of state; a confidential ticket is never published.
    let r = app
        .post(
            &format!("/api/v1/tickets/{id1}/replies"),
            &coord,
            json!({
                "reply_url": "https://lapor.subang.go.id/balasan/SBG-1",
                "note": "Terima kasih, sudah diteruskan ke DPUPR."
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let c4 = file_comment(&app, &pic, "1903", false, true).await;
    let c2 = file_comment(&app, &pic, "1904", false, false).await;
    let id2 = ticket_id(&app, &admin, &c2).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{id2}/reject"),
            &coord,
            json!({"reason": "spam"}),
        )
        .await;
    assert_eq!(r.status, 200);

    let r = get(&app, "/open311/v2/servicerequestupdates.json").await;
    let list = json_list(&r, 200);
    let seen: Vec<(String, String, String)> = list
        .iter()
        .map(|u| {
            (
                u["service_request_id"].as_str().unwrap().to_string(),
                u["status"].as_str().unwrap().to_string(),
                u["external_status_code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let s = |c: &str, st: &str, ext: &str| (c.to_string(), st.to_string(), ext.to_string());
    assert_eq!(
        seen,
        [
            s(&c1, "open", "new"),
            s(&c1, "action_scheduled", "routed"),
            s(&c2, "open", "new"),
            s(&c2, "no_further_action", "rejected"),
        ]
    );
    assert!(!r.text.contains(&c4));
    assert_eq!(list[0]["update_id"], format!("{c1}.1"));
    assert_eq!(
        list[1]["description"],
        "sent to Dinas Pekerjaan Umum dan Penataan Ruang"
    );
    assert!(list[1]["updated_datetime"]
        .as_str()
        .unwrap()
        .ends_with("+07:00"));
    assert_fields_in_order(
        &r.text,
        &list[0],
        &[
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description",
            "media_url",
            "external_status_code",
        ],
    );
    let text = xml(
        &get(
            &app,
            "/open311/v2/servicerequestupdates.xml?page_size=2&page=2",
        )
        .await,
        200,
        "service_request_updates",
    );
    let items = xml_items(&text);
    assert_eq!(items.len(), 2);
    assert_eq!(field(&items[1], "status"), "no_further_action");
    assert!(text.contains("<request_update>"));
    // A window that ends before everything.
    let past = (chrono::Utc::now() - chrono::Duration::days(2))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let r = get(
        &app,
        &format!("/open311/v2/servicerequestupdates.json?end_date={past}"),
    )
    .await;
    assert_eq!(json_list(&r, 200), Vec::<Value>::new());
    assert_error(
        &get(&app, "/open311/v2/servicerequestupdates.xml?end_date=soon").await,
        400,
        "end_date must be a W3C date",
    );
}

/// jurisdiction_id: optional with one jurisdiction, required with several, a key only for its own.
async fn jurisdictions(app: TestApp) {
    let admin = app.admin_token().await;
    let (_, key) = new_key(&app, &admin, "Lapor").await;
    // One jurisdiction: naming it is accepted, by code or short code; a wrong one is 404.
    for j in ["", "&jurisdiction_id=SBG"] {
        let r = get(&app, &format!("/open311/v2/services.json?x=1{j}")).await;
        assert!(json_list(&r, 200).len() >= 15);
    }
    assert_error(
        &get(&app, "/open311/v2/services.xml?jurisdiction_id=atlantis").await,
        404,
        "'atlantis' is not served here",
    );

    // Two jurisdictions: required everywhere.
    let pwk_admin = app.second_jurisdiction().await;
    for path in [
        "/open311/v2/services.json",
        "/open311/v2/services/jalan.xml",
        "/open311/v2/requests.json",
        "/open311/v2/requests/SBG-26-000001.xml",
        "/open311/v2/servicerequestupdates.json",
    ] {
        assert_error(&get(&app, path).await, 400, "jurisdiction_id is required");
    }
    let mut fields = pothole(&key);
    let tickets = app.count("tickets");
    let r = post_form(&app, "/open311/v2/requests.json", &fields).await;
    assert_error(&r, 400, "jurisdiction_id is required");
    let r = get(&app, "/open311/v2/services.json?jurisdiction_id=PWK").await;
    assert_eq!(json_list(&r, 200), Vec::<Value>::new());
    // A Subang key cannot file in Purwakarta.
    fields.push(("jurisdiction_id", "PWK"));
    let r = post_form(&app, "/open311/v2/requests.xml", &fields).await;
    assert_error(&r, 403, "not for jurisdiction_id");
    assert_eq!(app.count("tickets"), tickets);
    fields.pop();
    let code = app
        .state
        .db
        .read(|c| aduan::db::models::jurisdiction::first(c).map_err(aduan::db::DbError::from))
        .await
        .unwrap()
        .unwrap()
        .code;
    fields.push(("jurisdiction_id", code.as_str()));
    let r = post_form(&app, "/open311/v2/requests.json", &fields).await;
    let filed = json_list(&r, 201);
    let c = filed[0]["service_request_id"].as_str().unwrap().to_string();
    let r = get(
        &app,
        &format!("/open311/v2/requests/{c}.json?jurisdiction_id=SBG"),
    )
    .await;
    assert_eq!(json_list(&r, 200).len(), 1);
    // Purwakarta does not see Subang's request.
    let r = get(
        &app,
        &format!("/open311/v2/requests/{c}.json?jurisdiction_id=PWK"),
    )
    .await;
    assert_error(&r, 404, "no public request");
    // Purwakarta's admin sees only Purwakarta's keys.
    let r = app.get("/api/v1/api-keys", &pwk_admin).await;
    assert_eq!(r.body["items"], json!([]));
}

on_both_backends!(
    discovery_and_services,
    api_keys,
    posting_requests,
    reading_requests,
    updates,
    jurisdictions
);
