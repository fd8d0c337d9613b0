//! Idempotent retries (the IETF draft `Idempotency-Key` header) for every POST that creates or
//! acts, on every front: the JSON API, Open311 `POST requests` and the console's forms (which
//! carry the key as the hidden field `idempotency_key`).
//!
//! A key belongs to its caller (`user:<id>` from the bearer token or the console session;
//! `open311:<key hash>` from an Open311 API key) and is kept for a day with the first answer
//! given to it. The same key with the same request again gets that answer again, with
//! `Idempotent-Replayed: true`, and changes nothing; with a different request it is 422
//! `idempotency_key_reused`; while the first request still runs it is 409
//! `idempotency_key_in_use` with `Retry-After` (a console form waits for the first instead).
//! The answer is stored in the transaction of the request's last write (`db::held`), so a
//! crash can never leave a write without its answer. A request that wrote nothing (refused
//! before any change, say) lets its key go: a corrected retry runs afresh.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpResponse};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::bounds::refusal;
use crate::db::held::Hold;
use crate::db::models::idempotency_key::{self as keys, Answer, Claim};
use crate::error::ServiceError;
use crate::state::AppState;

/// The request header, and the console forms' hidden field.
pub const HEADER: &str = "idempotency-key";
pub const FORM_FIELD: &str = "idempotency_key";
/// Marks a replayed answer.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a key and its answer are kept.
const KEEP_HOURS: i64 = 24;
/// How long a console form waits for the first of two submissions.
const FORM_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Paths whose POSTs neither create nor act (signing in and out).
fn exempt(path: &str) -> bool {
    path.starts_with("/api/v1/auth/") || path == "/app/masuk" || path == "/app/keluar"
}

fn console(path: &str) -> bool {
    path.starts_with(crate::pages::ROOT)
}

pub async fn idempotent(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(state), true) = (state, req.method() == Method::POST && !exempt(req.path())) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let header_key = match header_key(&req) {
        Ok(k) => k,
        Err(e) => return Ok(refuse(req, e)),
    };
    let form = Form::of(&req);
    if header_key.is_none() && !(console(req.path()) && form.is_some()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let bytes = match read_body(&mut req, state.settings.max_body()).await {
        Ok(b) => b,
        Err(e) => return Ok(refuse(req, e)),
    };
    let parts = match &form {
        Some(form) => form.fields(req.headers(), &bytes).await,
        None => None,
    };
    put_back(&mut req, bytes.clone());
    let key = match header_key.or_else(|| field(&parts, FORM_FIELD)) {
        Some(k) => match checked(&k) {
            Ok(k) => k,
            Err(e) => return Ok(refuse(req, e)),
        },
        None => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let Some(scope) = scope_of(&req, &state, &parts) else {
        // No caller known: the route refuses it (401/403) without a key to keep.
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let request = Keyed {
        scope,
        key,
        fingerprint: fingerprint(&req, &bytes, &parts),
    };
    match request.claim(&state, console(req.path())).await {
        Ok(Claim::Fresh) => request.run(&state, req, next).await,
        Ok(Claim::Replay(answer)) => Ok(req.into_response(replay(answer))),
        // A console form sent again after it was changed (back, edit, send): a new request.
        Ok(Claim::Reused) if console(req.path()) => Ok(next.call(req).await?.map_into_boxed_body()),
        Ok(Claim::Reused) => Ok(refuse(
            req,
            ServiceError::Unprocessable {
                code: "idempotency_key_reused",
                detail: "this Idempotency-Key was used for a different request; \
                         use a new key for a new request"
                    .into(),
            },
        )),
        Ok(Claim::Busy { until }) => {
            let wait = (until - crate::db::now()).num_seconds().clamp(1, 60);
            let mut res = refuse(
                req,
                ServiceError::conflict(
                    "idempotency_key_in_use",
                    "a request with this Idempotency-Key is still running; \
                     try again after it ends",
                ),
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(wait as u64));
            Ok(res)
        }
        Err(e) => Ok(refuse(req, e)),
    }
}

/// A request with its caller's key.
struct Keyed {
    scope: String,
    key: String,
    fingerprint: String,
}

impl Keyed {
    /// Claims the key; a console form waits (a while) for the first of two submissions.
    async fn claim(&self, state: &AppState, wait: bool) -> Result<Claim, ServiceError> {
        let deadline = std::time::Instant::now() + FORM_WAIT;
        loop {
            let claim = self.claim_once(state).await?;
            match claim {
                Claim::Busy { .. } if wait && std::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                other => return Ok(other),
            }
        }
    }

    async fn claim_once(&self, state: &AppState) -> Result<Claim, ServiceError> {
        let (scope, key, fp) = (
            self.scope.clone(),
            self.key.clone(),
            self.fingerprint.clone(),
        );
        // A lease as long as a request may run: after it, the request is gone (app::bounds).
        let lease = chrono::Duration::seconds(state.settings.request_timeout_secs as i64 + 5);
        state
            .db
            .write(move |c| {
                let now = crate::db::now();
                let keep = chrono::Duration::hours(KEEP_HOURS);
                keys::claim(c, (&scope, &key, &fp), now, lease, keep).map_err(ServiceError::from)
            })
            .await
    }

    /// Runs the request under a hold on its writes; stores its answer with its last write.
    async fn run(
        self,
        state: &AppState,
        req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
        let hold = Hold::new();
        let res = match hold.run(next.call(req)).await {
            Ok(res) => res,
            Err(e) => {
                drop(hold);
                self.release(state).await;
                return Err(e);
            }
        };
        let (req, res) = res.into_parts();
        let (head, body) = res.into_parts();
        let bytes = match body::to_bytes(body).await {
            Ok(b) => b,
            Err(_) => {
                drop(hold);
                self.release(state).await;
                let e = ServiceError::internal(anyhow::anyhow!("the answer could not be read"));
                let res = refusal(req.path(), e);
                return Ok(ServiceResponse::new(req, res));
            }
        };
        let answer = Answer {
            status: head.status().as_u16(),
            headers: kept_headers(head.headers()),
            body: bytes.to_vec(),
        };
        let res = head.set_body(BoxBody::new(bytes));
        let res = match self.store(state, &hold, answer).await {
            Ok(()) => res,
            Err(e) => refusal(req.path(), e),
        };
        Ok(ServiceResponse::new(req, res))
    }

    /// Stores `answer` with the request's last write; lets the key go when nothing was written
    /// or the request failed (its held write rolls back).
    async fn store(
        &self,
        state: &AppState,
        hold: &Arc<Hold>,
        answer: Answer,
    ) -> Result<(), ServiceError> {
        if answer.status >= 500 {
            hold.abandon();
            self.release(state).await;
            return Ok(());
        }
        let (scope, key) = (self.scope.clone(), self.key.clone());
        let finish = move |c: &mut crate::db::DbConnection| keys::finish(c, &scope, &key, &answer);
        match hold.finish(Box::new(finish.clone())).await {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => {
                // The work did not commit: nothing was done, and the key is free again.
                self.release(state).await;
                Err(ServiceError::from(e))
            }
            // Its writes committed already (it read after its last write): store it now.
            None if hold.wrote() => state
                .db
                .write(move |c| finish(c).map_err(ServiceError::from))
                .await
                .map(|_| ()),
            None => {
                self.release(state).await;
                Ok(())
            }
        }
    }

    async fn release(&self, state: &AppState) {
        let (scope, key) = (self.scope.clone(), self.key.clone());
        if let Err(e) = release_key(state, scope.clone(), key.clone()).await {
            // The database is away (a restart, a failover): keep trying in the background, so
            // that the client's retry is not refused until the lease runs out by itself.
            tracing::warn!(error = %e, "an idempotency key could not be released; retrying");
            let state = state.clone();
            let lease = Duration::from_secs(state.settings.request_timeout_secs + 5);
            actix_web::rt::spawn(async move {
                let started = Instant::now();
                let mut pause = Duration::from_millis(250);
                while started.elapsed() < lease {
                    tokio::time::sleep(pause).await;
                    if release_key(&state, scope.clone(), key.clone())
                        .await
                        .is_ok()
                    {
                        return;
                    }
                    pause = (pause * 2).min(Duration::from_secs(4));
                }
            });
        }
    }
}

/// Frees a key whose request wrote nothing (a finished one stays).
async fn release_key(state: &AppState, scope: String, key: String) -> Result<(), ServiceError> {
    state
        .db
        .write(move |c| keys::release(c, &scope, &key).map_err(ServiceError::from))
        .await
}

/// The key of the `Idempotency-Key` header: an sf-string (`"…"`) or, as most clients send
/// it, bare.
fn header_key(req: &ServiceRequest) -> Result<Option<String>, ServiceError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| invalid_key())?.trim();
    if value.len() > 255 {
        return Err(invalid_key());
    }
    let bare = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    Ok(Some(bare.to_string()))
}

/// 1 to 255 visible ASCII characters.
fn checked(key: &str) -> Result<String, ServiceError> {
    let ok =
        (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic() && b != b'"');
    if ok {
        Ok(key.to_string())
    } else {
        Err(invalid_key())
    }
}

fn invalid_key() -> ServiceError {
    ServiceError::bad_request(
        "idempotency_key_invalid",
        "Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID",
    )
}

/// A form body's kind.
enum Form {
    UrlEncoded,
    Multipart,
}

/// A form's fields: (name, file name, text or the file's SHA-256).
type Fields = Vec<(String, Option<String>, String)>;

impl Form {
    fn of(req: &ServiceRequest) -> Option<Form> {
        let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
        let ct = ct.to_ascii_lowercase();
        if ct.starts_with("application/x-www-form-urlencoded") {
            Some(Form::UrlEncoded)
        } else if ct.starts_with("multipart/form-data") {
            Some(Form::Multipart)
        } else {
            None
        }
    }

    /// The form's fields, or `None` when the body is not a well-formed form (the route
    /// refuses it then).
    async fn fields(&self, headers: &header::HeaderMap, bytes: &Bytes) -> Option<Fields> {
        match self {
            Form::UrlEncoded => serde_html_form::from_bytes::<Vec<(String, String)>>(bytes)
                .ok()
                .map(|pairs| pairs.into_iter().map(|(n, v)| (n, None, v)).collect()),
            Form::Multipart => multipart_fields(headers, bytes.clone()).await,
        }
    }
}

async fn multipart_fields(headers: &header::HeaderMap, bytes: Bytes) -> Option<Fields> {
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(bytes) });
    let mut form = actix_multipart::Multipart::new(headers, stream);
    let mut out = Vec::new();
    while let Some(field) = form.next().await {
        let mut field = field.ok()?;
        let name = field.name().unwrap_or_default().to_string();
        let file = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            data.extend_from_slice(&chunk.ok()?);
        }
        let value = match &file {
            Some(_) => hex::encode(Sha256::digest(&data)),
            None => String::from_utf8(data).ok()?,
        };
        out.push((name, file, value));
    }
    Some(out)
}

fn field(fields: &Option<Fields>, name: &str) -> Option<String> {
    fields
        .as_ref()?
        .iter()
        .find(|(n, file, _)| n == name && file.is_none())
        .map(|(_, _, v)| v.clone())
}

/// Whose key this is: the signed-in user (bearer token, or the console's session), or an
/// Open311 client by its API key (query string or form).
fn scope_of(req: &ServiceRequest, state: &AppState, fields: &Option<Fields>) -> Option<String> {
    let bearer = crate::api::extract::bearer_token(req.headers()).map(str::to_string);
    let token = bearer.or_else(|| {
        req.cookie(crate::pages::SESSION)
            .map(|c| c.value().to_string())
    });
    if let Some(claims) = token.and_then(|t| state.jwt.verify(&t).ok()) {
        return Some(format!("user:{}", claims.sub));
    }
    if req.path().starts_with(crate::open311::BASE) {
        let query = web::Query::<Vec<(String, String)>>::from_query(req.query_string()).ok();
        let in_query = query.and_then(|q| {
            q.iter()
                .find(|(n, _)| n == "api_key")
                .map(|(_, v)| v.clone())
        });
        let key = in_query.or_else(|| field(fields, "api_key"))?;
        return Some(format!(
            "open311:{}",
            crate::auth::keys::hash_key(key.trim())
        ));
    }
    None
}

/// The request as a retry must repeat it: method, path, query, content type (without a
/// multipart boundary, which a client draws afresh per send) and body (a form by its fields).
fn fingerprint(req: &ServiceRequest, bytes: &Bytes, fields: &Option<Fields>) -> String {
    let mut h = Sha256::new();
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let content_type = content_type.split(';').next().unwrap_or_default().trim();
    for part in [
        req.method().as_str(),
        req.path(),
        req.query_string(),
        content_type,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    match fields {
        Some(fields) => {
            for (name, file, value) in fields {
                h.update(serde_json::to_vec(&(name, file, value)).unwrap_or_default());
            }
        }
        None => h.update(bytes),
    }
    hex::encode(h.finalize())
}

/// Reads the whole body (at most `max` bytes).
async fn read_body(req: &mut ServiceRequest, max: u64) -> Result<Bytes, ServiceError> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ServiceError::bad_request("malformed_body", format!("the body could not be read: {e}"))
        })?;
        if (body.len() + chunk.len()) as u64 > max {
            return Err(ServiceError::PayloadTooLarge(format!(
                "the body exceeds {max} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Gives the route the body read here.
fn put_back(req: &mut ServiceRequest, bytes: Bytes) {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(bytes);
    req.set_payload(payload.into());
}

/// The headers a replay repeats: all but those of the connection, the moment and cookies.
fn kept_headers(headers: &header::HeaderMap) -> Vec<(String, String)> {
    const DROPPED: [&str; 6] = [
        "set-cookie",
        "date",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
    ];
    headers
        .iter()
        .filter(|(name, _)| !DROPPED.contains(&name.as_str()))
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_string())))
        .collect()
}

fn replay(answer: Answer) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    for (name, value) in &answer.headers {
        res.append_header((name.as_str(), value.as_str()));
    }
    res.insert_header((REPLAYED, "true"));
    res.body(answer.body)
}

fn refuse(req: ServiceRequest, e: ServiceError) -> ServiceResponse<BoxBody> {
    let res = refusal(req.path(), e);
    req.into_response(res)
}
