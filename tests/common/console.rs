//! A visitor of the console: requests through the real application with a cookie jar, forms
//! sent as a browser sends them (urlencoded, with the page's CSRF token).

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::test::TestRequest;
use serde_json::json;

use super::{Resp, TestApp, PASSWORD};

pub struct Visitor<'a> {
    pub app: &'a TestApp,
    pub cookies: HashMap<String, String>,
}

/// The value of the hidden field `name` of the first form that has it.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// The `Set-Cookie` header setting `name`.
pub fn set_cookie<'r>(r: &'r Resp, name: &str) -> Option<&'r str> {
    r.headers
        .get_all(header::SET_COOKIE)
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
}

pub fn location(r: &Resp) -> &str {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

impl<'a> Visitor<'a> {
    pub fn new(app: &'a TestApp) -> Visitor<'a> {
        Visitor {
            app,
            cookies: HashMap::new(),
        }
    }

    fn with_cookies(&self, mut req: TestRequest) -> TestRequest {
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.insert_header((header::COOKIE, jar.join("; ")));
        }
        req
    }

    fn keep(&mut self, r: &Resp) {
        for v in r.headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap_or("");
            let pair = v.split(';').next().unwrap_or("");
            if let Some((k, val)) = pair.split_once('=') {
                let removed = val.is_empty() || v.contains("Max-Age=0");
                if removed {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let req = self.with_cookies(TestRequest::get().uri(path));
        let r = self.app.send(req).await;
        self.keep(&r);
        r
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let req = self.with_cookies(
            TestRequest::post()
                .uri(path)
                .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .set_payload(body),
        );
        let r = self.app.send(req).await;
        self.keep(&r);
        r
    }

    /// Sends a form as a browser does when it has a file input: multipart, the text fields in
    /// order and then each file as a part named `foto` (`(file name, bytes)`; an input left
    /// empty is sent as a part with an empty name and no bytes).
    pub async fn post_with_files(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Resp {
        let boundary = "----aduan-console-boundary-51c2";
        let mut body = Vec::new();
        for (k, v) in form {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        let empty: &[(&str, &[u8])] = &[("", b"")];
        for (name, bytes) in if files.is_empty() { empty } else { files } {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"foto\"; filename=\"{name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = self.with_cookies(
            TestRequest::post()
                .uri(path)
                .insert_header((
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                ))
                .set_payload(body),
        );
        let r = self.app.send(req).await;
        self.keep(&r);
        r
    }

    /// Signs in through the form; the answer to the form (303 when it worked).
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Resp {
        let form = self.get("/app/masuk").await;
        assert_eq!(form.status, 200, "{}", form.text);
        let csrf = hidden(&form.text, "csrf").expect("the form's token");
        self.post(
            "/app/masuk",
            &[
                ("csrf", &csrf),
                ("lanjut", "/app/"),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }

    /// The CSRF token of the page at `path`.
    pub async fn csrf(&mut self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status, 200, "{}", r.text);
        hidden(&r.text, "csrf").expect("a form with a token")
    }
}

impl TestApp {
    /// Creates a user who signs in with `username` and [`PASSWORD`]: `(id, token)`.
    pub async fn person(
        &self,
        admin: &str,
        username: &str,
        role: &str,
        agency_code: Option<&str>,
        division: Option<(&str, &str)>,
    ) -> (String, String) {
        let mut body = json!({"username": username, "password": PASSWORD,
            "display_name": format!("Ibu {username}"), "role": role});
        if let Some(a) = agency_code {
            body["agency_id"] = json!(self.agency_id(admin, a).await);
        }
        if let Some((a, d)) = division {
            body["division_id"] = json!(self.division_id(admin, a, d).await);
        }
        let r = self.post("/api/v1/users", admin, body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        (r.id(), self.token(username, PASSWORD).await)
    }

    /// The people who carry a complaint of Dinas PUPR through its life, each signing in with
    /// [`PASSWORD`]: `pic.a` (PIC of DPUPR), `koord.a` (coordinator at Diskominfo), `kadis.a`
    /// (head of DPUPR) and `kabid.a` (head of Bidang Bina Marga).
    pub async fn crew(&self, admin: &str) -> Crew {
        let (_, pic) = self
            .person(admin, "pic.a", "pic", Some("dpupr"), None)
            .await;
        let (_, koord) = self
            .person(admin, "koord.a", "coordinator", Some("diskominfo"), None)
            .await;
        let (_, kadis) = self
            .person(admin, "kadis.a", "agency_head", Some("dpupr"), None)
            .await;
        let (_, kabid) = self
            .person(
                admin,
                "kabid.a",
                "division_head",
                None,
                Some(("dpupr", "dpupr.bina-marga")),
            )
            .await;
        Crew {
            pic,
            koord,
            kadis,
            kabid,
        }
    }
}

/// The tokens of [`TestApp::crew`].
pub struct Crew {
    pub pic: String,
    pub koord: String,
    pub kadis: String,
    pub kabid: String,
}
