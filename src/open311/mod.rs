//! The Open311 GeoReport v2 facade at `/open311/v2/`: categories are its services, tickets its
//! requests, the tracking code its `service_request_id`. Every method answers XML or JSON after
//! the resource's extension (`services.xml`, `requests/SBG-26-000001.json`), errors included,
//! as the specification (wiki.open311.org/GeoReport_v2) writes them. The rules (statuses, notes,
//! windows, paging) are in `domain::open311`; the documents are built once and rendered in
//! either format by `render`.

mod discovery;
mod params;
mod post_request;
mod render;
mod requests;
mod services;
mod updates;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpRequest, HttpResponse};

pub use params::{Params, Span};
pub use render::Node;

use crate::db::models::jurisdiction::{self, Jurisdiction};
use crate::db::DbConnection;
use crate::error::ServiceError;
use crate::state::AppState;

/// Where the facade is served.
pub const BASE: &str = "/open311/v2";

/// The two formats of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    pub fn parse(ext: &str) -> Option<Format> {
        match ext {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// Splits `name.ext` at its last dot: the name and the format. An unknown extension is a 404
/// (answered in XML, the format every Open311 server speaks).
pub fn split(file: &str) -> Result<(&str, Format), Fault> {
    let not_found = || {
        Fault::new(
            StatusCode::NOT_FOUND,
            format!("there is no resource '{file}': add .xml or .json to the name"),
        )
    };
    let (name, ext) = file.rsplit_once('.').ok_or_else(not_found)?;
    let format = Format::parse(ext).ok_or_else(not_found)?;
    if name.is_empty() {
        return Err(not_found());
    }
    Ok((name, format))
}

/// An Open311 error answer: a status (400, 403 or 404; 405 for a wrong method, 500 or 503 when
/// aduan fails) and one description per problem.
#[derive(Debug)]
pub struct Fault {
    pub status: StatusCode,
    pub descriptions: Vec<String>,
    /// Seconds for a `Retry-After` header (429, 503).
    pub retry_after: Option<u64>,
}

impl Fault {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Fault {
        Fault {
            status,
            descriptions: vec![description.into()],
            retry_after: None,
        }
    }

    pub fn bad(description: impl Into<String>) -> Fault {
        Fault::new(StatusCode::BAD_REQUEST, description)
    }

    pub fn forbidden(description: impl Into<String>) -> Fault {
        Fault::new(StatusCode::FORBIDDEN, description)
    }

    pub fn not_found(description: impl Into<String>) -> Fault {
        Fault::new(StatusCode::NOT_FOUND, description)
    }

    /// Several problems of one request (400).
    pub fn all(descriptions: Vec<String>) -> Fault {
        Fault {
            status: StatusCode::BAD_REQUEST,
            descriptions,
            retry_after: None,
        }
    }
}

impl From<ServiceError> for Fault {
    fn from(e: ServiceError) -> Fault {
        match e {
            ServiceError::Validation(fields) => Fault::all(
                fields
                    .into_iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect(),
            ),
            ServiceError::NotFound(d) => Fault::not_found(d),
            ServiceError::Forbidden(d) => Fault::forbidden(d),
            ServiceError::TooManyRequests { .. } => Fault {
                retry_after: e.retry_after(),
                ..Fault::new(StatusCode::TOO_MANY_REQUESTS, e.to_string())
            },
            ServiceError::Internal(_) | ServiceError::Unavailable(_) => {
                let status = crate::api::problem::status_of(&e);
                // Logged here because the problem+json path that logs it is not taken.
                tracing::error!(error = %e, "open311 request failed");
                Fault {
                    retry_after: e.retry_after(),
                    ..Fault::new(
                        status,
                        "the request could not be completed; try again later",
                    )
                }
            }
            other => Fault::bad(other.to_string()),
        }
    }
}

impl From<crate::db::DbError> for Fault {
    fn from(e: crate::db::DbError) -> Fault {
        Fault::from(ServiceError::from(e))
    }
}

impl From<diesel::result::Error> for Fault {
    fn from(e: diesel::result::Error) -> Fault {
        Fault::from(ServiceError::from(e))
    }
}

/// Writes `node` as the document `root` in `format`.
pub fn document(format: Format, status: StatusCode, root: &str, node: &Node) -> HttpResponse {
    let body = match format {
        Format::Json => render::to_json(node),
        Format::Xml => render::to_xml(root, node),
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, format.content_type()))
        .body(body)
}

/// Writes a fault as `errors/error` with `{code, description}` per problem.
pub fn failure(format: Format, fault: Fault) -> HttpResponse {
    let code = fault.status.as_u16().to_string();
    let retry_after = fault.retry_after;
    let items = fault
        .descriptions
        .into_iter()
        .map(|d| {
            Node::Record(vec![
                ("code", Node::text(code.clone())),
                ("description", Node::text(d)),
            ])
        })
        .collect();
    let mut res = document(format, fault.status, "errors", &Node::list("error", items));
    if let Some(secs) = retry_after {
        res.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(secs),
        );
    }
    // The specification's own error document: not to be rewritten as problem+json.
    res.extensions_mut()
        .insert(crate::api::problem::OwnErrorDocument);
    res
}

/// The answer of a method: its document, or its fault, in the format asked for.
pub fn answer(format: Format, result: Result<(StatusCode, &str, Node), Fault>) -> HttpResponse {
    match result {
        Ok((status, root, node)) => document(format, status, root, &node),
        Err(fault) => failure(format, fault),
    }
}

/// The format named by a path's extension (`what` says what is served, for the 404).
pub fn format_of(ext: &str, what: &str) -> Result<Format, Fault> {
    Format::parse(ext)
        .ok_or_else(|| Fault::not_found(format!("{what} are served as .xml or .json")))
}

/// A GET method: the query's parameters, the jurisdiction they name, one read that builds the
/// document `root`, answered in `format` (an unknown format is a 404 in XML).
pub async fn read<F>(
    state: &AppState,
    req: &HttpRequest,
    format: Result<Format, Fault>,
    root: &'static str,
    build: F,
) -> HttpResponse
where
    F: FnOnce(&mut DbConnection, &Jurisdiction, &Params) -> Result<Node, Fault> + Send + 'static,
{
    let format = match format {
        Ok(f) => f,
        Err(fault) => return failure(Format::Xml, fault),
    };
    let params = Params::parse(req.query_string().as_bytes());
    let result = state
        .db
        .read(move |c| {
            let jur = jurisdiction_of(c, params.get("jurisdiction_id"))?;
            build(c, &jur, &params)
        })
        .await
        .map(|node| (StatusCode::OK, root, node));
    answer(format, result)
}

/// The jurisdiction a request is for: the one named by `jurisdiction_id` (its code or short
/// code), or the only one this deployment hosts. Naming none is an error only when there are
/// several.
pub fn jurisdiction_of(
    conn: &mut DbConnection,
    requested: Option<&str>,
) -> Result<Jurisdiction, Fault> {
    if let Some(code) = requested {
        return jurisdiction::find_by_code(conn, code)?.ok_or_else(|| {
            Fault::not_found(format!("jurisdiction_id '{code}' is not served here"))
        });
    }
    let mut all = jurisdiction::all(conn)?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(Fault::not_found("this server hosts no jurisdiction yet")),
        n => Err(Fault::bad(format!(
            "jurisdiction_id is required: this server hosts {n} jurisdictions ({})",
            all.iter()
                .map(|j| j.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A W3C date and time with the jurisdiction's offset (`2026-01-31T08:00:00+07:00`).
pub fn w3c(t: chrono::NaiveDateTime, zone: chrono_tz::Tz) -> String {
    t.and_utc()
        .with_timezone(&zone)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The format a path's extension asks for (XML when it names none).
fn format_of_path(path: &str) -> Format {
    path.rsplit_once('.')
        .and_then(|(_, ext)| Format::parse(ext))
        .unwrap_or(Format::Xml)
}

/// Anything under `/open311/v2/` that is no method: 404, in the format the path asks for.
async fn not_found(req: HttpRequest) -> HttpResponse {
    let fault = Fault::not_found(format!(
        "there is no Open311 method at {}; start at {BASE}/discovery.xml",
        req.path()
    ));
    failure(format_of_path(req.path()), fault)
}

/// A method's path with another HTTP method: 405 with `Allow`.
async fn wrong_method(req: HttpRequest) -> HttpResponse {
    let collection = req
        .path()
        .strip_prefix(BASE)
        .is_some_and(|rest| rest.starts_with("/requests.") && !rest[1..].contains('/'));
    let allow = if collection { "GET, POST" } else { "GET" };
    let fault = Fault::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} is not a method of this resource (use {allow})",
            req.method()
        ),
    );
    let mut res = failure(format_of_path(req.path()), fault);
    res.headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(allow));
    res
}

/// Every GET (and HEAD) counts against the client address's allowance of public reads; past
/// it, 429 in the format the path asks for, with `Retry-After`.
async fn limit_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    if let (true, Some(state)) = (read, req.app_data::<web::Data<AppState>>()) {
        let from = crate::api::extract::ClientAddr::of(req.request());
        if let Err(e) = from.check(&state.limits.public_reads) {
            let res = failure(format_of_path(req.path()), Fault::from(e));
            return Ok(req.into_response(res));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// A refusal made outside Open311's handlers (a body too large, a request too slow), in the
/// format the path asks for.
pub fn refuse(path: &str, e: ServiceError) -> HttpResponse {
    let status = crate::api::problem::status_of(&e);
    let fault = Fault {
        retry_after: e.retry_after(),
        ..Fault::new(status, e.to_string())
    };
    failure(format_of_path(path), fault)
}

/// The routes. Names that may hold dots (a category code) are matched whole and split at the
/// last dot. A wrong method answers 405 in the resource's format.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let get = |path: &str, handler| {
        web::resource(path)
            .route(handler)
            .default_service(web::to(wrong_method))
    };
    cfg.service(
        web::scope(BASE)
            .wrap(from_fn(limit_reads))
            .service(get(
                "/discovery.{format}",
                web::get().to(discovery::discovery),
            ))
            .service(get(
                "/services.{format}",
                web::get().to(services::list_services),
            ))
            .service(get(
                "/services/{file}",
                web::get().to(services::service_definition),
            ))
            .service(
                web::resource("/requests.{format}")
                    .route(web::get().to(requests::list_requests))
                    .route(web::post().to(post_request::post_request))
                    .default_service(web::to(wrong_method)),
            )
            .service(get(
                "/requests/{file}",
                web::get().to(requests::get_request),
            ))
            .service(get("/tokens/{file}", web::get().to(requests::get_token)))
            .service(get(
                "/servicerequestupdates.{format}",
                web::get().to(updates::list_updates),
            ))
            .default_service(web::to(not_found)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_the_last_dot() {
        assert_eq!(split("jalan.json").unwrap(), ("jalan", Format::Json));
        assert_eq!(
            split("dpupr.bina-marga.xml").unwrap(),
            ("dpupr.bina-marga", Format::Xml)
        );
        assert_eq!(split("jalan.html").unwrap_err().status, 404);
        assert_eq!(split("jalan").unwrap_err().status, 404);
        assert_eq!(split(".json").unwrap_err().status, 404);
    }

    #[test]
    fn errors_are_a_list_of_code_and_description() {
        let res = failure(Format::Json, Fault::forbidden("no key"));
        assert_eq!(res.status(), 403);
        assert_eq!(
            res.headers().get(header::CONTENT_TYPE).unwrap(),
            "application/json; charset=utf-8"
        );
    }
}
