//! What every handler can reach: the database, the settings and the token keys.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::config::Settings;
use crate::db::Db;
use crate::files::store::BlobStore;
use crate::limits::Limits;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub jwt: Arc<JwtKeys>,
    /// Attachment bytes.
    pub blobs: Arc<dyn BlobStore>,
    /// Wakes this instance's webhook sender when a request wrote to the outbox.
    pub outbox: Arc<tokio::sync::Notify>,
    /// Rate limits and client addresses.
    pub limits: Arc<Limits>,
}

impl AppState {
    pub fn new(
        db: Db,
        settings: Settings,
        jwt_secret: &[u8],
        blobs: Arc<dyn BlobStore>,
    ) -> AppState {
        let jwt = JwtKeys::new(jwt_secret, settings.jwt_ttl_minutes);
        AppState {
            db,
            limits: Arc::new(Limits::new(&settings)),
            settings: Arc::new(settings),
            jwt: Arc::new(jwt),
            blobs,
            outbox: Arc::new(tokio::sync::Notify::new()),
        }
    }
}
