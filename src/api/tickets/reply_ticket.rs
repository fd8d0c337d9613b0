use crate::api::extract::Body;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};

use super::act;
use super::TicketView;
use crate::api::extract::IfMatch;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::ids::TicketId;
use crate::service::tickets::{Command, ReplyToTicket};
use crate::state::AppState;

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
    body: Body<ReplyToTicket>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::Reply(body.into_inner());
    let mut response = act(&state, caller, id.into_inner(), if_match, command).await?;
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}
