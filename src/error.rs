//! One error type for the whole API, answered as RFC 9457 `application/problem+json`.
//!
//! Every variant has an explicit HTTP status and a stable snake_case `code` that clients may
//! match on. Internal causes are logged, never sent: a 5xx body says only that something failed.
//! actix's own rejections (bad JSON, path or query, unknown route, wrong method, body too large)
//! are turned into the same shape by the handlers at the bottom of this file.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as a JSON path (`source.comment_url`).
    #[schema(example = "password")]
    pub field: String,
    /// What is wrong with it, for a person to read.
    #[schema(example = "must have at least 10 characters")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:aduan:problem:validation_failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "the request has 1 invalid field",
    "code": "validation_failed",
    "errors": [{"field": "password", "message": "must have at least 10 characters"}]
}))]
pub struct Problem {
    /// `urn:aduan:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The HTTP status phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person to read.
    pub detail: String,
    /// Stable machine-readable code.
    pub code: String,
    /// Field errors, for `validation_failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// For `invalid_transition`: what the caller may do to the ticket now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
}

/// Every error the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("{detail}")]
    InvalidTransition {
        detail: String,
        allowed_actions: Vec<String>,
    },
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{detail}")]
    UnsupportedMediaType { code: &'static str, detail: String },
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
        }
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Unauthorized {
            code,
            detail: detail.into(),
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
        }
    }
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        ApiError::UnsupportedMediaType {
            code: "unsupported_media_type",
            detail: detail.into(),
        }
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        ApiError::NotFound(detail.into())
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ApiError::Forbidden(detail.into())
    }
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }

    /// Maps a unique-constraint violation to a 409 with the given message; anything else as usual.
    pub fn unique_as_conflict(
        e: diesel::result::Error,
        code: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::conflict(code, detail)
            }
            other => other.into(),
        }
    }

    /// The stable code clients match on.
    pub fn code(&self) -> &str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Unauthorized { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::UnsupportedMediaType { code, .. } => code,
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::InvalidTransition { .. } => "invalid_transition",
            ApiError::PreconditionFailed(_) => "precondition_failed",
            ApiError::Validation(_) => "validation_failed",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let detail = match self {
            ApiError::Internal(_) => "the server could not complete the request".to_string(),
            ApiError::Validation(errors) => match errors.len() {
                1 => format!("{}: {}", errors[0].field, errors[0].message),
                n => format!("the request has {n} invalid fields"),
            },
            other => other.to_string(),
        };
        Problem {
            problem_type: format!("urn:aduan:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: self.code().to_string(),
            errors: match self {
                ApiError::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
            allowed_actions: match self {
                ApiError::InvalidTransition {
                    allowed_actions, ..
                } => Some(allowed_actions.clone()),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::InvalidTransition { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = %format!("{cause:#}"), "request failed");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.content_type(PROBLEM_JSON);
        if let ApiError::Unauthorized { .. } = self {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.json(self.problem())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::not_found("no such record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => ApiError::conflict(
                "conflict",
                format!(
                    "a record with the same key exists already ({})",
                    info.message()
                ),
            ),
            other => ApiError::internal(other),
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Query(q) => q.into(),
            crate::db::DbError::Pool(p) => {
                tracing::error!(error = %p, "database pool");
                ApiError::Unavailable("the database is not reachable; try again shortly".into())
            }
            other => ApiError::internal(other),
        }
    }
}

// ---- actix's own rejections, in the same shape -------------------------------------------

/// `JsonConfig` error handler: malformed JSON → 400, wrong shape or value → 422,
/// too large → 413, wrong content type → 415.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::PayloadTooLarge(
            format!("the body has {length} bytes; at most {limit} are accepted"),
        ),
        JsonPayloadError::Overflow { limit } => {
            ApiError::PayloadTooLarge(format!("the body exceeds {limit} bytes"))
        }
        JsonPayloadError::ContentType => ApiError::unsupported_media_type(
            "the body must be JSON, sent with Content-Type: application/json",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::Validation(vec![FieldError::new("body", e.to_string())])
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
        }
        other => ApiError::bad_request("malformed_body", other.to_string()),
    };
    actix_web::error::InternalError::from_response(err, api.error_response()).into()
}

/// `PathConfig` error handler: a path segment of the wrong form (an id that is no UUID) → 400.
pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    let api = ApiError::bad_request("invalid_path", format!("the path is not valid: {err}"));
    actix_web::error::InternalError::from_response(err, api.error_response()).into()
}

/// `QueryConfig` error handler: a query parameter of the wrong form → 400.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = ApiError::bad_request("invalid_query", format!("the query is not valid: {err}"));
    actix_web::error::InternalError::from_response(err, api.error_response()).into()
}

/// The default service: 405 when the path exists with another method, 404 otherwise.
pub async fn no_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(if req.resource_map().has_resource(req.path()) {
        ApiError::MethodNotAllowed(format!("{} is not allowed on {}", req.method(), req.path()))
    } else {
        ApiError::not_found(format!("there is no route {}", req.path()))
    })
}

/// Safety net for error responses made outside our handlers (actix internals, middleware):
/// any 4xx/5xx that is not already problem+json is rewritten into one. The Open311 facade's
/// own error documents (XML or JSON, as its specification asks) are left as they are.
pub fn problem_safety_net<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let is_problem = content_type.is_some_and(|v| v.starts_with(PROBLEM_JSON));
    let is_open311 = res.request().path().starts_with(crate::open311::BASE)
        && content_type.is_some_and(|v| {
            [crate::open311::Format::Json, crate::open311::Format::Xml]
                .iter()
                .any(|f| v == f.content_type())
        });
    if is_problem || is_open311 {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let api = match status.as_u16() {
        400 => ApiError::bad_request("bad_request", "the request is not valid"),
        401 => ApiError::unauthorized("unauthenticated", "sign in first"),
        403 => ApiError::forbidden("not allowed"),
        404 => ApiError::not_found("not found"),
        405 => ApiError::MethodNotAllowed("method not allowed".into()),
        413 => ApiError::PayloadTooLarge("the body is too large".into()),
        415 => ApiError::unsupported_media_type("unsupported content type"),
        s if s >= 500 => ApiError::internal(anyhow::anyhow!("unhandled {status} response")),
        _ => ApiError::bad_request("bad_request", status.to_string()),
    };
    let (req, _) = res.into_parts();
    let mut new = api.error_response();
    *new.status_mut() = status;
    let res = ServiceResponse::new(req, new).map_into_boxed_body();
    Ok(ErrorHandlerResponse::Response(
        res.map_body(|_, b| EitherBody::right(b)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause() {
        let p = ApiError::internal(anyhow::anyhow!("password=hunter2 at db.rs:10")).problem();
        assert_eq!(p.status, 500);
        assert_eq!(p.code, "internal_error");
        assert!(!p.detail.contains("hunter2"));
    }

    #[test]
    fn validation_lists_fields() {
        let p = ApiError::Validation(vec![FieldError::new("a", "x"), FieldError::new("b", "y")])
            .problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors.as_ref().map(Vec::len), Some(2));
        assert_eq!(p.problem_type, "urn:aduan:problem:validation_failed");
    }
}
