use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::service::public::{self, PublicTicketView};
use crate::state::AppState;

/// A ticket's public status by its tracking code (no sign-in).
///
/// Confidential tickets and unknown codes answer 404 alike.
#[utoipa::path(tag = "public", params(("code" = String, Path, example = "SBG-25-000123")), responses(
    (status = 200, body = PublicTicketView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many requests from this address; see Retry-After", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
))]
#[get("/public/tickets/{code}")]
pub async fn get_public_ticket(
    state: web::Data<AppState>,
    from: ClientAddr,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    from.check(&state.limits.public_reads)?;
    let code = code.into_inner();
    let view = state
        .db
        .read_lagging(move |c| public::status(c, &code))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(view))
}
