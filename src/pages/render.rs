//! Turning a page into a response (HTML with the console's headers), and a failure into a page
//! in Bahasa Indonesia: a missing session leads to the sign-in page; anything else shows what
//! went wrong in words, never an internal cause.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::messages;
use crate::error::ServiceError;

/// Where the console lives; its cookies go to these paths only.
pub const ROOT: &str = "/app";

/// The console's headers: pages hold personal data (no caching), run only their own scripts,
/// and are framed by nobody.
const POLICY: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
                      script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn html(status: StatusCode, body: String) -> HttpResponse {
    let mut res = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_SECURITY_POLICY, POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .body(body);
    // An error page is a document of its own: the API's safety net leaves it as it is.
    res.extensions_mut()
        .insert(crate::api::problem::OwnErrorDocument);
    res
}

/// A rendered page, 200.
pub fn page<T: Template>(t: &T) -> Result<HttpResponse, PageError> {
    page_with(StatusCode::OK, t)
}

pub fn page_with<T: Template>(status: StatusCode, t: &T) -> Result<HttpResponse, PageError> {
    let body = t
        .render()
        .map_err(|e| PageError::Failed(ServiceError::internal(e)))?;
    Ok(html(status, body))
}

/// A public page (no session): the same headers, but shared caches may keep it a minute.
pub fn public_page<T: Template>(status: StatusCode, t: &T) -> Result<HttpResponse, PageError> {
    let mut res = page_with(status, t)?;
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=60"),
    );
    Ok(res)
}

/// After a form: go to `to` (303, so a reload does not send the form again).
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// A failed form's answer: a refusal (a rule, a bad field, a conflict) is shown beside the
/// form — its status and its words; the server's own failure, or a thing that is not there
/// (or not the user's to see), becomes an error page instead.
pub fn refused(e: ServiceError) -> Result<(StatusCode, String), PageError> {
    match e {
        ServiceError::Internal(_) | ServiceError::NotFound(_) => Err(e.into()),
        e => Ok((crate::api::problem::status_of(&e), messages::message(&e))),
    }
}

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No valid session: sign in, then come back to this path.
    #[error("sign in first")]
    SignIn(String),
    /// A form without this session's CSRF token.
    #[error("the form's token is not this session's")]
    Csrf,
    #[error("{0}")]
    Failed(ServiceError),
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError::Failed(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: String,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignIn(_) => StatusCode::SEE_OTHER,
            PageError::Csrf => StatusCode::FORBIDDEN,
            PageError::Failed(e) => crate::api::problem::status_of(e),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, message) = match self {
            PageError::SignIn(back) => {
                let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
                let to = format!("{ROOT}/masuk?lanjut={back}");
                return see_other(&to);
            }
            PageError::Csrf => (
                "Formulir kedaluwarsa",
                "Formulir ini tidak lagi berlaku (mungkin dibuka sebelum Anda masuk lagi). \
                 Muat ulang halaman, lalu kirim lagi."
                    .to_string(),
            ),
            PageError::Failed(e) => {
                if let ServiceError::Internal(cause) = e {
                    tracing::error!(error = %format!("{cause:#}"), "a page failed");
                }
                (messages::title(e), messages::message(e))
            }
        };
        let body = ErrorPage { title, message }
            .render()
            .unwrap_or_else(|_| "Terjadi kesalahan.".to_string());
        let mut res = html(self.status_code(), body);
        if let PageError::Failed(e) = self {
            if let Some(secs) = e.retry_after() {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
            }
        }
        res
    }
}
