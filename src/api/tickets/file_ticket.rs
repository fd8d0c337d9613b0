use actix_web::http::header;
use actix_web::{post, web, HttpResponse};

use super::TicketView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::service::tickets::{self as service, FileTicket, Filed};
use crate::state::AppState;

/// File a complaint (pic, coordinator, admin).
///
/// The same comment filed again — by anyone, with its URL copied in any form — answers 200
/// with the existing ticket and writes nothing.
#[utoipa::path(tag = "tickets", request_body = FileTicket, security(("bearer" = [])), responses(
    (status = 201, description = "Filed", body = TicketView, headers(("Location" = String))),
    (status = 200, description = "This comment was filed already: the existing ticket", body = TicketView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets")]
pub async fn file_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<FileTicket>,
) -> Result<HttpResponse, ApiError> {
    let (mut answer, d) = match service::file(&state, &caller, body.into_inner()).await? {
        Filed::New(d) => (HttpResponse::Created(), d),
        Filed::Existing(d) => (HttpResponse::Ok(), d),
    };
    let v = TicketView::of(&caller, *d);
    Ok(answer
        .insert_header((header::LOCATION, format!("/api/v1/tickets/{}", v.id)))
        .insert_header((header::ETAG, format!("\"{}\"", v.version)))
        .json(v))
}
