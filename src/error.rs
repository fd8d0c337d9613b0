//! What a service answers when it does not do what was asked: [`ServiceError`], with a stable
//! snake_case `code` per case that every front passes on (the JSON API as problem+json in
//! `api::problem`, Open311 as its `errors` document, the console as a page). Nothing here knows
//! HTTP. Also the collecting of field errors ([`Checks`]), so that one refusal lists everything
//! that is wrong with an input.

use serde::Serialize;
use utoipa::ToSchema;

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

/// How long a client is asked to wait when the database is not reachable.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 2;

/// Every way a service can refuse or fail.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input is malformed (not merely invalid: a cursor, a header, a query of the wrong form).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// Not signed in, or the credentials are not (or no longer) valid.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// The caller may see the thing but may not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// No such thing, or not one the caller may see.
    #[error("{0}")]
    NotFound(String),
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The ticket's status does not allow the action.
    #[error("{detail}")]
    InvalidTransition {
        detail: String,
        allowed_actions: Vec<String>,
    },
    /// The thing is no longer at the version the caller saw.
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{detail}")]
    UnsupportedMediaType { code: &'static str, detail: String },
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    /// Well-formed and valid, but not acceptable as a whole (a reused idempotency key).
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// The request took too long (a body sent too slowly, or work that ran away).
    #[error("{0}")]
    TimedOut(String),
    /// The client asked too often; it may again after `retry_after` seconds.
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    /// A dependency (the database) is not reachable now; trying again may work.
    #[error("{0}")]
    Unavailable(String),
    /// A fault of aduan's: logged, never shown.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl ServiceError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::BadRequest {
            code,
            detail: detail.into(),
        }
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::Unauthorized {
            code,
            detail: detail.into(),
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::Conflict {
            code,
            detail: detail.into(),
        }
    }
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        ServiceError::UnsupportedMediaType {
            code: "unsupported_media_type",
            detail: detail.into(),
        }
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        ServiceError::NotFound(detail.into())
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ServiceError::Forbidden(detail.into())
    }
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ServiceError::Validation(vec![FieldError::new(field, message)])
    }
    /// 429: too many requests; `wait` until the next is allowed (whole seconds, at least one).
    pub fn too_many(detail: impl Into<String>, wait: std::time::Duration) -> Self {
        ServiceError::TooManyRequests {
            detail: detail.into(),
            retry_after: (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1),
        }
    }

    /// Seconds after which trying again may work, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ServiceError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            ServiceError::Unavailable(_) => Some(UNAVAILABLE_RETRY_SECONDS),
            _ => None,
        }
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ServiceError::Internal(e.into())
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
                ServiceError::conflict(code, detail)
            }
            other => other.into(),
        }
    }

    /// A second row with the same `code` (agencies, divisions, categories, regions).
    pub fn duplicate_code(e: diesel::result::Error, code: &str) -> Self {
        ServiceError::unique_as_conflict(
            e,
            "duplicate_code",
            format!("the code '{code}' is taken in this jurisdiction"),
        )
    }

    /// The stable code clients match on.
    pub fn code(&self) -> &str {
        match self {
            ServiceError::BadRequest { code, .. }
            | ServiceError::Unauthorized { code, .. }
            | ServiceError::Conflict { code, .. }
            | ServiceError::Unprocessable { code, .. }
            | ServiceError::UnsupportedMediaType { code, .. } => code,
            ServiceError::Forbidden(_) => "forbidden",
            ServiceError::NotFound(_) => "not_found",
            ServiceError::PayloadTooLarge(_) => "payload_too_large",
            ServiceError::InvalidTransition { .. } => "invalid_transition",
            ServiceError::PreconditionFailed(_) => "precondition_failed",
            ServiceError::Validation(_) => "validation_failed",
            ServiceError::TooManyRequests { .. } => "too_many_requests",
            ServiceError::TimedOut(_) => "request_timeout",
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Internal(_) => "internal_error",
        }
    }

    /// What went wrong, for a person to read (an internal fault says only that it failed).
    pub fn detail(&self) -> String {
        match self {
            ServiceError::Internal(_) => "the server could not complete the request".to_string(),
            ServiceError::Validation(errors) => match errors.len() {
                1 => format!("{}: {}", errors[0].field, errors[0].message),
                n => format!("the request has {n} invalid fields"),
            },
            other => other.to_string(),
        }
    }
}

/// The database went away (a restart, a failover): 503 with Retry-After.
fn db_unreachable() -> ServiceError {
    ServiceError::Unavailable("the database is not reachable; try again shortly".into())
}

impl From<diesel::result::Error> for ServiceError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ServiceError::not_found("no such record"),
            // The connection died (a restart, a failover): the pool drops it; try again soon.
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                tracing::warn!(error = info.message(), "database connection lost");
                db_unreachable()
            }
            // The server became a standby under this connection (a failover), or a replica
            // cancelled a read that conflicted with what it replays: try again soon.
            Error::DatabaseError(
                kind @ (DatabaseErrorKind::ReadOnlyTransaction
                | DatabaseErrorKind::SerializationFailure),
                info,
            ) => {
                tracing::warn!(error = info.message(), ?kind, "database refused for now");
                ServiceError::Unavailable(
                    "the database is not writable now; try again shortly".into(),
                )
            }
            // The commit's answer was lost with the connection: whether it committed is not
            // known, so it is not acknowledged (a retry with the same Idempotency-Key is safe).
            Error::RollbackErrorOnCommit { commit_error, .. } => ServiceError::from(*commit_error),
            Error::BrokenTransactionManager => db_unreachable(),
            // A statement ran past ADUAN_DB_STATEMENT_TIMEOUT_MS (or was cancelled).
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if info.message().contains("statement timeout")
                    || info.message().contains("canceling statement") =>
            {
                tracing::warn!(error = info.message(), "database statement cancelled");
                ServiceError::Unavailable("the database is busy; try again shortly".into())
            }
            // PostgreSQL's text holds no NUL character (SQLite's does): a client's input that
            // slipped past the checks with one is refused, not a fault.
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if info
                    .message()
                    .contains("invalid byte sequence for encoding")
                    && info.message().contains("0x00") =>
            {
                ServiceError::bad_request(
                    "nul_character",
                    "text must not hold the NUL character (\\u0000)",
                )
            }
            // The database's own words (constraint and column names) stay in the log.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::info!(constraint = info.message(), "unique violation");
                ServiceError::conflict("conflict", "a record with the same key exists already")
            }
            other => ServiceError::internal(other),
        }
    }
}

impl From<crate::db::DbError> for ServiceError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Query(q) => q.into(),
            crate::db::DbError::Lost => db_unreachable(),
            crate::db::DbError::Pool(p) => {
                tracing::error!(error = %p, "database pool");
                db_unreachable()
            }
            other => ServiceError::internal(other),
        }
    }
}

/// Collects field errors, so one refusal lists everything that is wrong with an input.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Checks {
        Checks::default()
    }

    /// Records the error of `result` under `field`; gives the value when it is fine.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(FieldError::new(field, e.to_string()));
                None
            }
        }
    }

    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A validation error with every recorded field, or Ok.
    pub fn finish(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Validation(self.0))
        }
    }
}

/// A text field: trimmed, blank counts as absent, at most `max` characters, no control
/// characters but tabs and line breaks (they break the pages, cards and exports that show it).
pub fn clean_text(value: Option<String>, max: usize) -> Result<Option<String>, String> {
    let v = value
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    match v {
        Some(s) if s.chars().count() > max => Err(format!("must have at most {max} characters")),
        Some(s) if s.contains(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) => {
            Err("must not hold control characters".into())
        }
        other => Ok(other),
    }
}

/// A required text field: trimmed, not blank, at most `max` characters.
pub fn required_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> Result<String, ServiceError> {
    match optional_text(field, value, max)? {
        Some(v) => Ok(v),
        None => Err(ServiceError::invalid(field, "must not be blank")),
    }
}

/// An optional text field: trimmed, blank counts as absent, at most `max` characters.
pub fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, ServiceError> {
    clean_text(value, max).map_err(|m| ServiceError::invalid(field, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refuses_control_characters_but_keeps_line_breaks() {
        assert!(clean_text(Some("Dinas\u{3}PU".into()), 50).is_err());
        assert_eq!(
            clean_text(Some(" baris satu\nbaris\tdua ".into()), 50).unwrap(),
            Some("baris satu\nbaris\tdua".into())
        );
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let e = ServiceError::internal(anyhow::anyhow!("password=hunter2 at db.rs:10"));
        assert_eq!(e.code(), "internal_error");
        assert!(!e.detail().contains("hunter2"));
    }

    #[test]
    fn validation_lists_fields() {
        let mut checks = Checks::new();
        checks.fail("a", "x");
        checks.check("b", Err::<(), _>("y"));
        let e = checks.finish().unwrap_err();
        assert_eq!(e.code(), "validation_failed");
        assert_eq!(e.detail(), "the request has 2 invalid fields");
    }
}
