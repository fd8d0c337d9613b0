//! The console's session: the signed-in user's token (the API's own, with its id, version and
//! expiry) in an HttpOnly, SameSite cookie, so signing out, a password change and deactivation
//! end it exactly as they end API tokens; and the CSRF token every form carries, bound to the
//! session (an HMAC of the token's id) so it needs no storage.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::render::PageError;
pub use super::render::ROOT;
use crate::auth::AuthUser;
use crate::error::ServiceError;
use crate::state::AppState;

/// The session cookie: the signed-in user's token.
pub const SESSION: &str = "aduan_sesi";
/// The sign-in form's own CSRF cookie (before there is a session).
pub const SIGN_IN: &str = "aduan_masuk";

/// The signed-in user of a page, with the CSRF token of its forms.
pub struct Signed {
    pub user: AuthUser,
    pub csrf: String,
}

impl Signed {
    /// Refuses a form whose CSRF token is not this session's (403, nothing done).
    pub fn check(&self, sent: &str) -> Result<(), PageError> {
        if constant_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(PageError::Csrf)
        }
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The CSRF token of the session whose token id is `jti`.
pub fn csrf_of(state: &AppState, jti: &str) -> String {
    state.jwt.tag("console-csrf", jti)
}

impl FromRequest for Signed {
    type Error = PageError;
    type Future = LocalBoxFuture<'static, Result<Signed, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req.cookie(SESSION).map(|c| c.value().to_string());
        let back = back_to(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| {
                PageError::from(ServiceError::internal(anyhow::anyhow!("no state")))
            })?;
            let token = token.ok_or_else(|| PageError::SignIn(back.clone()))?;
            let user = crate::service::users::authenticate(&state, &token)
                .await
                .map_err(|e| match e {
                    ServiceError::Unauthorized { .. } => PageError::SignIn(back.clone()),
                    other => PageError::from(other),
                })?;
            let jti = user.token.as_ref().map(|t| t.jti.clone());
            // Sessions are made here only, always with an id; a bare API token is not one.
            let jti = jti.ok_or(PageError::SignIn(back))?;
            Ok(Signed {
                csrf: csrf_of(&state, &jti),
                user,
            })
        })
    }
}

/// Where to come back after signing in: this page, for a GET; the console's home otherwise.
fn back_to(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        safe_next(&req.uri().to_string())
    } else {
        format!("{ROOT}/")
    }
}

/// `next` when it is a path of the console, else its home (no open redirect).
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with(&format!("{ROOT}/"))
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control());
    if ok {
        next.to_string()
    } else {
        format!("{ROOT}/")
    }
}

/// Whether cookies get `Secure`: always when `ADUAN_SECURE_COOKIES` says so, and for a request
/// that came over TLS.
fn secure(req: &HttpRequest, state: &AppState) -> bool {
    state.settings.secure_cookies || req.connection_info().scheme() == "https"
}

/// A console cookie: HttpOnly, SameSite=Lax (a link from a chat opens the console signed in;
/// forms are guarded by their CSRF token), path `/app`.
pub fn cookie<'a>(
    req: &HttpRequest,
    state: &AppState,
    name: &'a str,
    value: String,
    max_age_seconds: i64,
) -> Cookie<'a> {
    Cookie::build(name, value)
        .path(ROOT)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure(req, state))
        .max_age(time::Duration::seconds(max_age_seconds))
        .finish()
}

/// The cookie that removes the cookie `name`.
pub fn removal<'a>(req: &HttpRequest, state: &AppState, name: &'a str) -> Cookie<'a> {
    let mut c = cookie(req, state, name, String::new(), 0);
    c.make_removal();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_paths_come_back() {
        assert_eq!(
            safe_next("/app/aduan/SBG-26-000001"),
            "/app/aduan/SBG-26-000001"
        );
        assert_eq!(safe_next("/app/aduan?status=new"), "/app/aduan?status=new");
        for bad in [
            "https://evil.example/",
            "//evil.example/app/",
            "/app//evil.example",
            "/app/\\evil",
            "/api/v1/tickets",
            "/app",
        ] {
            assert_eq!(safe_next(bad), "/app/", "{bad}");
        }
    }

    #[test]
    fn equal_in_constant_time() {
        assert!(constant_eq(b"abc", b"abc"));
        assert!(!constant_eq(b"abc", b"abd"));
        assert!(!constant_eq(b"abc", b"ab"));
    }
}
