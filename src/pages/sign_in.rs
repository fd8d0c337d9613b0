//! `/app/masuk` and `/app/keluar`: signing in with the API's own checks and throttling, and
//! signing out (the session's token is revoked at once).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use rand::RngCore;
use serde::Deserialize;

use super::messages;
use super::render::{page_with, see_other, PageError};
use super::session::{self, safe_next, Signed, ROOT, SESSION, SIGN_IN};
use crate::api::extract::ClientAddr;
use crate::error::ServiceError;
use crate::service::users;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "masuk.html")]
struct SignInPage {
    csrf: String,
    next: String,
    username: String,
    message: Option<String>,
    signed_out: bool,
}

#[derive(Deserialize)]
pub struct Shown {
    lanjut: Option<String>,
    keluar: Option<String>,
}

/// The sign-in form; its CSRF token is a fresh random value also set as a cookie.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<Shown>,
) -> Result<HttpResponse, PageError> {
    let form = SignInPage {
        csrf: String::new(),
        next: safe_next(q.lanjut.as_deref().unwrap_or("")),
        username: String::new(),
        message: None,
        signed_out: q.keluar.is_some(),
    };
    form_page(&req, &state, StatusCode::OK, form)
}

fn form_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    mut form: SignInPage,
) -> Result<HttpResponse, PageError> {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    form.csrf = hex::encode(bytes);
    let mut res = page_with(status, &form)?;
    let c = session::cookie(req, state, SIGN_IN, form.csrf.clone(), 60 * 60);
    res.add_cookie(&c)
        .map_err(|e| PageError::from(ServiceError::internal(e)))?;
    Ok(res)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lanjut: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// Signs in: a session cookie and on to the page asked for; or the form again with why not.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    from: ClientAddr,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let expected = req.cookie(SIGN_IN).map(|c| c.value().to_string());
    if expected.as_deref() != Some(form.csrf.as_str()) || form.csrf.is_empty() {
        return Err(PageError::Csrf);
    }
    let next = safe_next(&form.lanjut);
    let again = |e: ServiceError| {
        let retry = e.retry_after();
        let page = SignInPage {
            csrf: String::new(),
            next: next.clone(),
            username: form.username.clone(),
            message: Some(messages::message(&e)),
            signed_out: false,
        };
        let status = crate::api::problem::status_of(&e);
        let mut res = form_page(&req, &state, status, page)?;
        if let Some(secs) = retry {
            res.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(secs),
            );
        }
        Ok::<_, PageError>(res)
    };
    let user = match users::sign_in(&state, &form.username, form.password.clone(), from.0).await {
        Ok(u) => u,
        Err(e @ ServiceError::Internal(_)) => return Err(e.into()),
        Err(e) => return again(e),
    };
    let (token, ttl) = state
        .jwt
        .issue(&user.id, &user.jurisdiction_id, user.token_version)
        .map_err(ServiceError::internal)?;
    let mut res = see_other(&next);
    let signed = session::cookie(&req, &state, SESSION, token, ttl);
    res.add_cookie(&signed)
        .and_then(|_| res.add_cookie(&session::removal(&req, &state, SIGN_IN)))
        .map_err(|e| PageError::from(ServiceError::internal(e)))?;
    Ok(res)
}

#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// Signs out: the session's token stops working at once, the cookie is removed.
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    s: Signed,
    form: web::Form<SignOutForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    users::sign_out(&state, &s.user).await?;
    let mut res = see_other(&format!("{ROOT}/masuk?keluar=1"));
    res.add_cookie(&session::removal(&req, &state, SESSION))
        .map_err(|e| PageError::from(ServiceError::internal(e)))?;
    Ok(res)
}
