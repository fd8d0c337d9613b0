//! The one way an analytics answer is sent: JSON (the whole view), or its rows as a CSV or
//! XLSX download (`service::analytics::table`).

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;

use crate::api::ApiError;
use crate::service::analytics::table::{download, Download};
pub use crate::service::analytics::table::{format_of, Format, Tabular};

/// What `format` may be (documentation of the query parameter; `format_of` reads it).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ExportFormat {
    Json,
    Csv,
    Xlsx,
}

pub fn respond<V: Serialize, R: Tabular>(
    format: Format,
    filename: &str,
    view: &V,
    rows: &[R],
) -> Result<HttpResponse, ApiError> {
    Ok(match download(format, filename, rows)? {
        None => HttpResponse::Ok().json(view),
        Some(file) => attachment(file),
    })
}

/// A file sent to be saved under its name.
pub fn attachment(file: Download) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, file.content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.filename),
        ))
        .body(file.bytes)
}
