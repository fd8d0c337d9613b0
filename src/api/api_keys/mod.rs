//! API keys: `/api/v1/api-keys` — admins create, list and revoke the keys with which external
//! clients (Open311 apps) file requests. A key is shown once, when it is made; only its SHA-256
//! is stored. Each key acts as a user of role `api_client`, so a ticket's timeline names the key
//! that filed it.

mod create_api_key;
mod list_api_keys;
mod revoke_api_key;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use create_api_key::{CreateApiKey, NewApiKeyView};
pub use list_api_keys::ListApiKeysQuery;

use crate::db::models::api_key::ApiKey;

/// An API key, without the key itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "Aplikasi Lapor Subang")]
    pub name: String,
    /// The key's first characters, to tell keys apart.
    #[schema(example = "aduan_7Gq2Xk")]
    pub prefix: String,
    /// The `api_client` user the key acts as (the actor in timelines).
    #[schema(format = Uuid)]
    pub user_id: String,
    pub created_at: DateTime<Utc>,
    #[schema(format = Uuid)]
    pub created_by: String,
    /// When a request last came with the key.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    #[schema(format = Uuid)]
    pub revoked_by: Option<String>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> Self {
        ApiKeyView {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            user_id: k.user_id,
            created_at: k.created_at.and_utc(),
            created_by: k.created_by,
            last_used_at: k.last_used_at.map(|t| t.and_utc()),
            revoked_at: k.revoked_at.map(|t| t.and_utc()),
            revoked_by: k.revoked_by,
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_api_key::create_api_key)
        .service(list_api_keys::list_api_keys)
        .service(list_api_keys::get_api_key)
        .service(revoke_api_key::revoke_api_key);
}
