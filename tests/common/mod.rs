//! Test builders: a fresh database per test (a SQLite file in a temporary folder, or a new
//! PostgreSQL database on the server named by `ADUAN_TEST_DATABASE_URL`), made by the real
//! migrations and seeded like a first start; requests go through the real `build_app`.
#![allow(dead_code)]

pub mod binary;
pub mod console;
pub mod pg_cluster;
pub mod receiver;

use std::collections::HashMap;

use actix_web::http::{header, Method, StatusCode};
use actix_web::test;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::{json, Value};

use aduan::config::Settings;
use aduan::state::AppState;

pub const ADMIN_PASSWORD: &str = "admin-password-123";
pub const PASSWORD: &str = "a long passphrase";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-123";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(TestApp)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $test() {
                    super::$test($crate::common::TestApp::new($crate::common::Kind::Sqlite).await).await
                }
            )+
        }
        mod postgres {
            $(
                #[actix_web::test]
                #[cfg_attr(not(aduan_pg_tests), ignore = "PostgreSQL suite: set ADUAN_TEST_DATABASE_URL (see README)")]
                async fn $test() {
                    super::$test($crate::common::TestApp::new($crate::common::Kind::Postgres).await).await
                }
            )+
        }
    };
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    pub kind: Kind,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn new(kind: Kind) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        match kind {
            Kind::Sqlite => TestDb {
                url: format!("sqlite://{}", dir.path().join("aduan.db").display()),
                kind,
                dir,
                pg: None,
            },
            Kind::Postgres => {
                let admin = std::env::var("ADUAN_TEST_DATABASE_URL")
                    .expect("ADUAN_TEST_DATABASE_URL must point at a PostgreSQL server");
                let name = format!("aduan_t_{}", uuid::Uuid::now_v7().simple());
                let mut conn =
                    diesel::PgConnection::establish(&admin).expect("connect to PostgreSQL");
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let mut url = url::Url::parse(&admin).expect("ADUAN_TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                TestDb {
                    url: url.to_string(),
                    kind,
                    dir,
                    pg: Some((admin, name)),
                }
            }
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings_with(&[])
    }

    /// Settings with some variables set or replaced.
    pub fn settings_with(&self, extra: &[(&'static str, &str)]) -> Settings {
        let mut vars: HashMap<&str, String> = HashMap::from([
            ("DATABASE_URL", self.url.clone()),
            ("ADUAN_DATA_DIR", self.dir.path().display().to_string()),
            ("ADUAN_ADMIN_PASSWORD", ADMIN_PASSWORD.to_string()),
            ("ADUAN_JWT_SECRET", JWT_SECRET.to_string()),
            ("ADUAN_DB_POOL_SIZE", "4".to_string()),
            ("ADUAN_MAX_JSON_BYTES", "65536".to_string()),
            // The tests' webhook receivers listen on this machine (closed by default).
            ("ADUAN_WEBHOOK_ALLOW_NETS", "127.0.0.0/8".to_string()),
        ]);
        for (k, v) in extra {
            vars.insert(k, v.to_string());
        }
        Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// An answer, with its body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Value,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json answer with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "{}",
            self.text
        );
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert_eq!(self.body["status"], status, "{}", self.text);
        assert!(self.body["type"]
            .as_str()
            .is_some_and(|t| t.ends_with(code)));
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("an id").to_string()
    }
}

pub struct TestApp {
    pub state: AppState,
    pub db: TestDb,
}

impl TestApp {
    pub async fn new(kind: Kind) -> TestApp {
        TestApp::with(kind, &[]).await
    }

    /// An app whose settings have some variables set (e.g. a small upload limit).
    pub async fn with(kind: Kind, vars: &[(&'static str, &str)]) -> TestApp {
        let db = TestDb::new(kind);
        let settings = db.settings_with(vars);
        let state = tokio::task::spawn_blocking(move || aduan::app::bootstrap::prepare(settings))
            .await
            .expect("join")
            .expect("first start");
        TestApp { state, db }
    }

    pub fn kind(&self) -> Kind {
        self.db.kind
    }

    /// Sends a request through the real application.
    pub async fn send(&self, req: test::TestRequest) -> Resp {
        let app = test::init_service(aduan::build_app(self.state.clone())).await;
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await;
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
            bytes: bytes.to_vec(),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = test::TestRequest::default().method(method).uri(path);
        if let Some(t) = token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {t}")));
        }
        if let Some(b) = body {
            req = req.set_json(b);
        }
        self.send(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Resp {
        self.call(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await
    }

    pub async fn token(&self, username: &str, password: &str) -> String {
        let r = self.sign_in(username, password).await;
        assert_eq!(r.status, 200, "sign-in of {username}: {}", r.text);
        r.body["access_token"].as_str().expect("token").to_string()
    }

    pub async fn admin_token(&self) -> String {
        self.token("admin", ADMIN_PASSWORD).await
    }

    /// The id of the item with `code` in the list at `path`.
    async fn id_by_code(&self, token: &str, path: &str, code: &str) -> String {
        let r = self.get(path, token).await;
        r.body["items"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["code"] == code))
            .and_then(|x| x["id"].as_str())
            .unwrap_or_else(|| panic!("no {code} in {path}"))
            .to_string()
    }

    /// The id of a seeded agency by code.
    pub async fn agency_id(&self, token: &str, code: &str) -> String {
        let path = format!("/api/v1/agencies?q={code}&limit=200");
        self.id_by_code(token, &path, code).await
    }

    /// The id of a seeded division by its agency's code and its own.
    pub async fn division_id(&self, token: &str, agency_code: &str, code: &str) -> String {
        let agency = self.agency_id(token, agency_code).await;
        let path = format!("/api/v1/agencies/{agency}/divisions?limit=200");
        self.id_by_code(token, &path, code).await
    }

    /// Creates a user with `role` in the agency `agency_code` (and its division `division_code`
    /// for division heads) and signs it in: `(id, token)`.
    pub async fn user_in(
        &self,
        admin: &str,
        role: &str,
        agency_code: &str,
        division_code: Option<&str>,
    ) -> (String, String) {
        let username = format!(
            "{}-{}",
            role.replace('_', "-"),
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        );
        let mut body =
            json!({"username": username, "password": PASSWORD, "display_name": role, "role": role});
        match division_code {
            Some(d) => body["division_id"] = json!(self.division_id(admin, agency_code, d).await),
            None => body["agency_id"] = json!(self.agency_id(admin, agency_code).await),
        }
        let r = self.post("/api/v1/users", admin, body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        (r.id(), self.token(&username, PASSWORD).await)
    }

    /// Adds a second jurisdiction, Kabupaten Purwakarta (`PWK`, one agency `dpupr`), with its own
    /// admin `admin.pwk`; gives that admin's token.
    pub async fn second_jurisdiction(&self) -> String {
        let other = r#"
            [jurisdiction]
            code = "purwakartakab.go.id"
            short_code = "PWK"
            name = "Kabupaten Purwakarta"
            timezone = "Asia/Jakarta"
            [[agencies]]
            code = "dpupr"
            name = "DPUPR Purwakarta"
            kind = "dinas"
        "#;
        let file = aduan::service::seed::SeedFile::parse(other).unwrap();
        let report = self
            .state
            .db
            .write_blocking(|c| {
                aduan::service::seed::load(c, &file).map_err(aduan::db::DbError::from)
            })
            .unwrap();
        assert!(report.jurisdiction_created);
        aduan::cli::add_user(
            &self.db.settings(),
            aduan::cli::NewUser {
                username: "admin.pwk".into(),
                role: "admin".into(),
                display_name: None,
                agency: None,
                division: None,
                jurisdiction: Some("PWK".into()),
                password: Some(PASSWORD.into()),
            },
        )
        .unwrap();
        self.token("admin.pwk", PASSWORD).await
    }

    /// Uploads `bytes` as the multipart part `file`.
    pub async fn upload(&self, token: &str, filename: &str, bytes: &[u8]) -> Resp {
        let boundary = "----aduan-test-boundary-7d9f";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfoto lapangan\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                 Content-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = test::TestRequest::post()
            .uri("/api/v1/attachments")
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .insert_header((
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body);
        self.send(req).await
    }

    /// The number of rows in `table` (to check that a refused request wrote nothing).
    pub fn count(&self, table: &str) -> i64 {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.state.db.conn().expect("connection");
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<N>(&mut *conn)
            .expect("count")
            .n
    }

    /// Creates a user with `role` (scoped to DPUPR / Bina Marga where the role needs it) and
    /// signs it in.
    pub async fn user_with_role(&self, admin: &str, role: &str) -> (String, String) {
        let username = format!(
            "{}-{}",
            role.replace('_', "-"),
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        );
        let mut body =
            json!({"username": username, "password": PASSWORD, "display_name": role, "role": role});
        match role {
            "pic" | "agency_head" => {
                body["agency_id"] = json!(self.agency_id(admin, "dpupr").await)
            }
            "division_head" => {
                body["division_id"] =
                    json!(self.division_id(admin, "dpupr", "dpupr.bina-marga").await)
            }
            _ => {}
        }
        let r = self.post("/api/v1/users", admin, body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        (r.id(), self.token(&username, PASSWORD).await)
    }
}
