//! What handlers take from a request besides its body: the signed-in user from the bearer
//! token, the client's address, and the `If-Match` version of a ticket action.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::{ready, LocalBoxFuture, Ready};

use super::ApiError;
use crate::auth::AuthUser;
use crate::error::ServiceError;
use crate::state::AppState;

/// The token of an `Authorization: Bearer <token>` header, if the request has one.
pub(crate) fn bearer_token(headers: &header::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn bearer(req: &HttpRequest) -> Result<String, ServiceError> {
    bearer_token(req.headers())
        .map(str::to_string)
        .ok_or_else(|| {
            ServiceError::unauthorized(
                "unauthenticated",
                "sign in first: send Authorization: Bearer <token> from POST /api/v1/auth/token",
            )
        })
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<AuthUser, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ServiceError::internal(anyhow::anyhow!("no state")))?;
            Ok(crate::service::users::authenticate(&state, &token?).await?)
        })
    }
}

/// The address a request comes from, behind trusted proxies (`ADUAN_TRUSTED_PROXIES`); `None`
/// only for a request without a peer (in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl ClientAddr {
    /// Takes one request from the client's allowance of `rate` (a request without a peer
    /// address — only in-process ones — is not counted).
    pub fn check(&self, rate: &crate::limits::Rate<std::net::IpAddr>) -> Result<(), ServiceError> {
        match &self.0 {
            Some(ip) => rate.check(ip),
            None => Ok(()),
        }
    }

    pub fn of(req: &HttpRequest) -> ClientAddr {
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        let peer = req.peer_addr().map(|a| a.ip());
        ClientAddr(match req.app_data::<web::Data<AppState>>() {
            Some(state) => state.limits.proxies.client(peer, &forwarded),
            None => peer,
        })
    }
}

impl FromRequest for ClientAddr {
    type Error = ApiError;
    type Future = Ready<Result<ClientAddr, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(ClientAddr::of(req)))
    }
}

/// Where the public reaches this server, for addresses printed on cards and captions:
/// `ADUAN_PUBLIC_URL` when set, else the scheme and host the request came to.
#[derive(Debug, Clone)]
pub struct PublicBase(pub String);

impl PublicBase {
    /// `path` (starting with `/`) as an address.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl FromRequest for PublicBase {
    type Error = ApiError;
    type Future = Ready<Result<PublicBase, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let configured = req
            .app_data::<web::Data<AppState>>()
            .and_then(|s| s.settings.public_url.clone());
        ready(Ok(PublicBase(configured.unwrap_or_else(|| {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }))))
    }
}

/// The `If-Match` header: a ticket version (`"3"`, `W/"3"` or `3`), `*`, or absent.
#[derive(Debug, Clone, Copy, Default)]
pub struct IfMatch(pub Option<i32>);

impl IfMatch {
    pub fn parse(raw: &str) -> Result<IfMatch, ServiceError> {
        let raw = raw.trim();
        if raw == "*" {
            return Ok(IfMatch(None));
        }
        let v = raw.trim_start_matches("W/").trim_matches('"');
        v.parse::<i32>().map(|n| IfMatch(Some(n))).map_err(|_| {
            ServiceError::bad_request(
                "invalid_if_match",
                "If-Match must be a ticket version such as \"3\" (the ETag of the ticket)",
            )
        })
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<IfMatch, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            match req.headers().get(header::IF_MATCH) {
                None => Ok(IfMatch(None)),
                Some(v) => v
                    .to_str()
                    .map_err(|_| {
                        ServiceError::bad_request("invalid_if_match", "If-Match is not text")
                    })
                    .and_then(IfMatch::parse),
            }
            .map_err(ApiError::from),
        )
    }
}

/// A JSON body that may be left out: a request without a body (or with an empty one) gives
/// `None`; any other body must be JSON of `T`, refused as `web::Json` refuses it (400, 413,
/// 415, 422) — never taken for an absent body.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T> OptionalJson<T> {
    pub fn into_inner(self) -> Option<T> {
        self.0
    }
}

/// Does `req` carry a body (a non-zero length, or one sent in chunks)?
fn has_body(req: &HttpRequest) -> bool {
    let h = req.headers();
    let length = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    length.is_some_and(|n| n > 0) || (length.is_none() && h.contains_key(header::TRANSFER_ENCODING))
}

/// A JSON request body that must be an object. (serde reads a struct from an array as well,
/// field by field in order; a body like `[null, null]` is refused here instead, 422.)
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Body<T>, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Object<T>>::from_request(req, payload);
        Box::pin(async move { Ok(Body(json.await?.into_inner().0)) })
    }
}

/// `T`, read only from a JSON object.
struct Object<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Fields<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Fields(std::marker::PhantomData))
            .map(Object)
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<OptionalJson<T>, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !has_body(req) {
            return Box::pin(ready(Ok(OptionalJson(None))));
        }
        let json = Body::<T>::from_request(req, payload);
        Box::pin(async move { Ok(OptionalJson(Some(json.await?.into_inner()))) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_forms() {
        assert_eq!(IfMatch::parse("\"3\"").unwrap().0, Some(3));
        assert_eq!(IfMatch::parse("W/\"12\"").unwrap().0, Some(12));
        assert_eq!(IfMatch::parse("7").unwrap().0, Some(7));
        assert_eq!(IfMatch::parse("*").unwrap().0, None);
        assert!(IfMatch::parse("\"abc\"").is_err());
    }
}
