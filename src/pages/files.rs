//! `/app/berkas/{id}` and `/app/berkas/{id}/kecil`: a file of a complaint and its preview, for
//! whoever may read it through the API (its uploader, whoever sees a complaint that uses it).

use actix_web::{web, HttpResponse};

use super::render::PageError;
use super::session::Signed;
use crate::error::ServiceError;
use crate::service::uploads::{self, Rendition};
use crate::state::AppState;

async fn serve(
    state: &AppState,
    s: Signed,
    id: &str,
    rendition: Rendition,
) -> Result<HttpResponse, PageError> {
    let id = uuid::Uuid::parse_str(id)
        .map_err(|_| ServiceError::not_found("there is no file with this id"))?;
    let (row, bytes) = uploads::fetch(state, s.user, id.to_string(), rendition).await?;
    Ok(crate::api::attachments::download(&row, bytes, rendition))
}

/// `GET /app/berkas/{id}`: the whole file.
pub async fn original(
    state: web::Data<AppState>,
    s: Signed,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    serve(&state, s, &id, Rendition::Original).await
}

/// `GET /app/berkas/{id}/kecil`: a photo's preview.
pub async fn preview(
    state: web::Data<AppState>,
    s: Signed,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    serve(&state, s, &id, Rendition::Preview).await
}
