//! The console's own stylesheet and script, compiled into the binary and served under a name
//! that carries a hash of their content, so browsers keep them for a year and a new version is
//! fetched at once.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

pub struct Asset {
    stem: &'static str,
    ext: &'static str,
    content_type: &'static str,
    body: &'static str,
    path: OnceLock<String>,
}

impl Asset {
    const fn new(
        stem: &'static str,
        ext: &'static str,
        content_type: &'static str,
        body: &'static str,
    ) -> Asset {
        Asset {
            stem,
            ext,
            content_type,
            body,
            path: OnceLock::new(),
        }
    }

    /// `/app/aset/app-1a2b3c4d.css`.
    pub fn path(&self) -> &str {
        self.path.get_or_init(|| {
            let hash = hex::encode(&Sha256::digest(self.body.as_bytes())[..4]);
            format!(
                "{}/aset/{}-{hash}.{}",
                super::session::ROOT,
                self.stem,
                self.ext
            )
        })
    }
}

pub static CSS: Asset = Asset::new(
    "app",
    "css",
    "text/css; charset=utf-8",
    include_str!("assets/app.css"),
);
pub static JS: Asset = Asset::new(
    "app",
    "js",
    "text/javascript; charset=utf-8",
    include_str!("assets/app.js"),
);

/// `GET /app/aset/{name}`: an asset by its current name (any other name is 404).
pub async fn serve(name: web::Path<String>) -> HttpResponse {
    let wanted = format!("{}/aset/{name}", super::session::ROOT);
    match [&CSS, &JS].into_iter().find(|a| a.path() == wanted) {
        Some(a) => HttpResponse::Ok()
            .content_type(a.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(a.body),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Tidak ditemukan."),
    }
}
