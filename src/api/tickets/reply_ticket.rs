use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::close_ticket::check_reply_url;
use super::{optional_text, TicketView};
use crate::auth::AuthUser;
use crate::domain::lifecycle::Action;
use crate::domain::source::Channel;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyToTicket {
    /// The public reply, on the platform of the source comment.
    #[schema(example = "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890999999/")]
    pub reply_url: Option<String>,
    /// What the reply said, for the timeline (at most 2,000 characters).
    #[schema(example = "Terima kasih, laporan sudah diteruskan ke DPUPR.")]
    pub note: Option<String>,
}

/// Record an interim public reply (the status does not change). The first reply stops the
/// `first_response` clock; replies appear in the timeline as `reply` events.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = ReplyToTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 201, description = "Recorded; the updated ticket", body = TicketView),
        (status = 403, description = "The caller may not reply for this ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket has ended (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/replies")]
pub async fn reply_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: web::Json<ReplyToTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut response = transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Reply,
        move |_c, ticket, _caller| {
            let channel = Channel::parse(&ticket.platform).unwrap_or(Channel::Other);
            let reply_url = check_reply_url(channel, body.reply_url)?;
            let note = optional_text("note", body.note, 2000)?;
            Ok(Change::data(json!({"reply_url": reply_url, "note": note})))
        },
    )
    .await?;
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}
