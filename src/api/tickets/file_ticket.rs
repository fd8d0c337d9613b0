use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::TicketView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::lifecycle::Status;
use crate::service::tickets::{self as service, FileTicket, Filed};
use crate::state::AppState;

/// The answer to a repeat filing when the caller may not see the ticket (another agency's, or
/// confidential): only that it exists, its public tracking code and its status.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingReceipt {
    #[schema(example = "SBG-25-000123")]
    pub code: String,
    pub status: Status,
    /// Always true: this comment was filed already.
    pub duplicate: bool,
}

/// The 200 answer: the existing ticket, or its receipt.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum FiledAgain {
    Ticket(Box<TicketView>),
    Receipt(FilingReceipt),
}

/// File a complaint (pic, coordinator, admin).
///
/// The same comment filed again — by anyone, with its URL copied in any form — answers 200
/// and writes nothing: with the existing ticket when the caller may see it, otherwise with a
/// receipt (tracking code, status, `duplicate: true`) and nothing more.
#[utoipa::path(tag = "tickets", request_body = FileTicket, security(("bearer" = [])), responses(
    (status = 201, description = "Filed", body = TicketView, headers(("Location" = String))),
    (status = 200, description = "This comment was filed already: the existing ticket, or its receipt when the caller may not see it", body = FiledAgain),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets")]
pub async fn file_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: Body<FileTicket>,
) -> Result<HttpResponse, ApiError> {
    let filed = service::file(&state, &caller, body.into_inner()).await?;
    let (mut answer, view) = match filed {
        Filed::New(d) => (HttpResponse::Created(), TicketView::of(&caller, *d)),
        Filed::Existing(d) => (HttpResponse::Ok(), TicketView::of(&caller, *d)),
        Filed::Receipt(r) => {
            return Ok(HttpResponse::Ok().json(FiledAgain::Receipt(FilingReceipt {
                code: r.code,
                status: r.status,
                duplicate: true,
            })))
        }
    };
    answer
        .insert_header((header::LOCATION, format!("/api/v1/tickets/{}", view.id)))
        .insert_header((header::ETAG, format!("\"{}\"", view.version)));
    Ok(answer.json(FiledAgain::Ticket(Box::new(view))))
}
