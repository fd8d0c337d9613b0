//! Sign-in: password hashing, tokens, and the [`AuthUser`] extractor that turns a bearer token
//! into the signed-in user (checked against the database on every request, so a deactivated
//! user or a changed password stops old tokens at once).

pub mod jwt;
pub mod password;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::user::{self, User};
use crate::domain::policy::{may, Permission, Role};
use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub jurisdiction_id: String,
    pub username: String,
    pub role: Role,
    pub agency_id: Option<String>,
    pub division_id: Option<String>,
    pub user: User,
    /// The user's jurisdiction (loaded with the user, so handlers need not ask again).
    pub jurisdiction: Jurisdiction,
}

impl AuthUser {
    /// The jurisdiction's time zone (for calendars, tracking-code years, photo times).
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.jurisdiction.tz()
    }
}

impl AuthUser {
    /// 403 unless the policy grants `permission` to this user's role.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if may(self.role, permission) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the role {} may not do this",
                self.role.as_str()
            )))
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let missing = || {
        ApiError::unauthorized(
            "unauthenticated",
            "sign in first: send Authorization: Bearer <token> from POST /api/v1/auth/token",
        )
    };
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| missing())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(missing());
    }
    Ok(token.trim().to_string())
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<AuthUser, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no state")))?;
            let claims = state
                .jwt
                .verify(&token?)
                .map_err(|e| ApiError::unauthorized("invalid_token", e.to_string()))?;
            let id = claims.sub.clone();
            let row = state
                .db
                .read(move |c| user::find_with_jurisdiction(c, &id).map_err(ApiError::from))
                .await?;
            let revoked = || {
                ApiError::unauthorized(
                    "token_revoked",
                    "the token is no longer valid; sign in again",
                )
            };
            let (row, jurisdiction) = row.ok_or_else(revoked)?;
            if !row.active || row.token_version != claims.ver || row.jurisdiction_id != claims.jur {
                return Err(revoked());
            }
            let role = Role::parse(&row.role)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown role {}", row.role)))?;
            if !role.signs_in() {
                return Err(revoked());
            }
            Ok(AuthUser {
                id: row.id.clone(),
                jurisdiction_id: row.jurisdiction_id.clone(),
                username: row.username.clone(),
                role,
                agency_id: row.agency_id.clone(),
                division_id: row.division_id.clone(),
                user: row,
                jurisdiction,
            })
        })
    }
}
