//! The JSON API's errors, answered as RFC 9457 `application/problem+json`: [`ApiError`] is a
//! [`ServiceError`] with its HTTP status (or one of HTTP's own refusals). actix's own rejections
//! (bad JSON, path or query, unknown route, wrong method, body too large) take the same shape
//! through the handlers below, and a safety net rewrites any other error response that is not
//! already a document of its own.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{FieldError, ServiceError};

pub const PROBLEM_JSON: &str = "application/problem+json";

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

/// Every error the JSON API answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// What a service refused or failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The path exists with other methods.
    #[error("{0}")]
    MethodNotAllowed(String),
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        ApiError::Service(e.into())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        ApiError::Service(e.into())
    }
}

/// The HTTP status of a service's refusal.
pub fn status_of(e: &ServiceError) -> StatusCode {
    match e {
        ServiceError::BadRequest { .. } => StatusCode::BAD_REQUEST,
        ServiceError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
        ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
        ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
        ServiceError::Conflict { .. } => StatusCode::CONFLICT,
        ServiceError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        ServiceError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ServiceError::InvalidTransition { .. } => StatusCode::CONFLICT,
        ServiceError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
        ServiceError::Validation(_) | ServiceError::Unprocessable { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ServiceError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        ServiceError::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
        ServiceError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    /// The stable code clients match on.
    pub fn code(&self) -> &str {
        match self {
            ApiError::Service(e) => e.code(),
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (detail, errors, allowed_actions) = match self {
            ApiError::Service(e) => (
                e.detail(),
                match e {
                    ServiceError::Validation(errors) => Some(errors.clone()),
                    _ => None,
                },
                match e {
                    ServiceError::InvalidTransition {
                        allowed_actions, ..
                    } => Some(allowed_actions.clone()),
                    _ => None,
                },
            ),
            other => (other.to_string(), None, None),
        };
        Problem {
            problem_type: format!("urn:aduan:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: self.code().to_string(),
            errors,
            allowed_actions,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Service(e) => status_of(e),
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        if let ApiError::Service(ServiceError::Internal(cause)) = self {
            tracing::error!(error = %format!("{cause:#}"), "request failed");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.content_type(PROBLEM_JSON);
        if let ApiError::Service(ServiceError::Unauthorized { .. }) = self {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(secs) = match self {
            ApiError::Service(e) => e.retry_after(),
            ApiError::MethodNotAllowed(_) => None,
        } {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        res.json(self.problem())
    }
}

// ---- actix's own rejections, in the same shape -------------------------------------------

/// `JsonConfig` error handler: malformed JSON → 400, wrong shape or value → 422,
/// too large → 413, wrong content type → 415.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let service = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ServiceError::PayloadTooLarge(
            format!("the body has {length} bytes; at most {limit} are accepted"),
        ),
        JsonPayloadError::Overflow { limit } => {
            ServiceError::PayloadTooLarge(format!("the body exceeds {limit} bytes"))
        }
        JsonPayloadError::ContentType => ServiceError::unsupported_media_type(
            "the body must be JSON, sent with Content-Type: application/json",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ServiceError::Validation(vec![FieldError::new("body", e.to_string())])
        }
        JsonPayloadError::Deserialize(e) => {
            ServiceError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
        }
        other => ServiceError::bad_request("malformed_body", other.to_string()),
    };
    rejection(err, service)
}

/// `PathConfig` error handler: a path segment of the wrong form (an id that is no UUID) → 400.
pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    let service =
        ServiceError::bad_request("invalid_path", format!("the path is not valid: {err}"));
    rejection(err, service)
}

/// `QueryConfig` error handler: a query parameter of the wrong form → 400.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let service =
        ServiceError::bad_request("invalid_query", format!("the query is not valid: {err}"));
    rejection(err, service)
}

fn rejection<E: std::fmt::Debug + std::fmt::Display + 'static>(
    err: E,
    service: ServiceError,
) -> actix_web::Error {
    actix_web::error::InternalError::from_response(err, ApiError::from(service).error_response())
        .into()
}

/// The default service: 405 when the path exists with another method, 404 otherwise.
pub async fn no_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(if req.resource_map().has_resource(req.path()) {
        ApiError::MethodNotAllowed(format!("{} is not allowed on {}", req.method(), req.path()))
    } else {
        ServiceError::not_found(format!("there is no route {}", req.path())).into()
    })
}

/// Marks an error response that is a whole document in a format of its own (Open311's XML or
/// JSON `errors`, as its specification asks): the safety net leaves it as it is.
#[derive(Debug, Clone, Copy)]
pub struct OwnErrorDocument;

/// Safety net for error responses made outside our handlers (actix internals, middleware):
/// any 4xx/5xx that is neither problem+json nor marked [`OwnErrorDocument`] is rewritten into
/// problem+json.
pub fn problem_safety_net<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    let own_document = res
        .response()
        .extensions()
        .get::<OwnErrorDocument>()
        .is_some();
    if is_problem || own_document {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let api: ApiError = match status.as_u16() {
        400 => ServiceError::bad_request("bad_request", "the request is not valid").into(),
        401 => ServiceError::unauthorized("unauthenticated", "sign in first").into(),
        403 => ServiceError::forbidden("not allowed").into(),
        404 => ServiceError::not_found("not found").into(),
        405 => ApiError::MethodNotAllowed("method not allowed".into()),
        413 => ServiceError::PayloadTooLarge("the body is too large".into()).into(),
        415 => ServiceError::unsupported_media_type("unsupported content type").into(),
        429 => {
            ServiceError::too_many("too many requests", std::time::Duration::from_secs(1)).into()
        }
        s if s >= 500 => {
            ServiceError::internal(anyhow::anyhow!("unhandled {status} response")).into()
        }
        _ => ServiceError::bad_request("bad_request", status.to_string()).into(),
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
        let p = ApiError::from(ServiceError::internal(anyhow::anyhow!(
            "password=hunter2 at db.rs:10"
        )))
        .problem();
        assert_eq!(p.status, 500);
        assert_eq!(p.code, "internal_error");
        assert!(!p.detail.contains("hunter2"));
    }

    #[test]
    fn validation_lists_fields() {
        let p = ApiError::from(ServiceError::Validation(vec![
            FieldError::new("a", "x"),
            FieldError::new("b", "y"),
        ]))
        .problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors.as_ref().map(Vec::len), Some(2));
        assert_eq!(p.problem_type, "urn:aduan:problem:validation_failed");
    }
}
