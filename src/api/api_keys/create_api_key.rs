use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiKeyView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::keys::{generate_key, hash_key, shown_part};
use crate::auth::AuthUser;
use crate::db::models::api_key::{self, ApiKey};
use crate::db::models::user::{self, User};
use crate::domain::policy::{Permission, Role};
use crate::domain::reference::check_name;
use crate::error::Checks;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// Who the key is for; timelines show it.
    #[schema(example = "Aplikasi Lapor Subang")]
    pub name: String,
}

/// A new key: the only answer that ever holds `key`.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewApiKeyView {
    #[serde(flatten)]
    pub api_key: ApiKeyView,
    /// The key itself. Keep it now: aduan stores only its hash and cannot show it again.
    #[schema(example = "aduan_7Gq2XkP0cVn3rT8sLw1mZa4bYe6dQh9jKu5fGi2o")]
    pub key: String,
}

/// Create an API key for an external client (admin). The key is in this answer only.
#[utoipa::path(tag = "api keys", request_body = CreateApiKey, security(("bearer" = [])), responses(
    (status = 201, body = NewApiKeyView, headers(("Location" = String))),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    body: Body<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageApiKeys)?;
    let name = body.into_inner().name.trim().to_string();
    let mut checks = Checks::new();
    checks.check("name", check_name(&name));
    checks.finish()?;

    let key = generate_key();
    let now = crate::db::now();
    let id = crate::db::new_id();
    let user_id = crate::db::new_id();
    let client = User {
        id: user_id.clone(),
        jurisdiction_id: caller.jurisdiction_id.clone(),
        // The key's id is a UUIDv7: its last 12 hex digits are random.
        username: format!("api-key-{}", &id.replace('-', "")[20..]),
        // Not a PHC string: no password ever matches it.
        password_hash: "!api-key".to_string(),
        display_name: name.clone(),
        role: Role::ApiClient.as_str().to_string(),
        agency_id: None,
        division_id: None,
        active: true,
        token_version: 1,
        last_login_at: None,
        created_at: now,
        updated_at: now,
    };
    let row = ApiKey {
        id,
        jurisdiction_id: caller.jurisdiction_id.clone(),
        user_id,
        name,
        prefix: shown_part(&key),
        key_hash: hash_key(&key),
        created_by: caller.id.clone(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
        revoked_by: None,
    };
    let row = audit::write(&state, Who::of(&caller, from.0), move |c| {
        user::insert(c, &client)?;
        api_key::insert(c, &row)?;
        let change = Change::new("api_key.create", "api_key", &row.id)
            .after(&serde_json::json!({"name": row.name, "user_id": row.user_id}));
        Ok((row, change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/api-keys/{}", row.id)))
        .json(NewApiKeyView {
            api_key: row.into(),
            key,
        }))
}
