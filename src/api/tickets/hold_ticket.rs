use crate::api::extract::Body;
use actix_web::{post, web, HttpResponse};

use super::act;
use super::TicketView;
use crate::api::extract::IfMatch;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::ids::TicketId;
use crate::service::tickets::{Command, HoldTicket};
use crate::state::AppState;

/// Put the ticket on hold while waiting for the complainant's information: its running clocks
/// pause. Unless resumed, aduan withdraws (rejects) it after the jurisdiction's hold limit
/// (30 days by default).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = HoldTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already on hold, resolved or ended (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/hold")]
pub async fn hold_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: Body<HoldTicket>,
) -> Result<HttpResponse, ApiError> {
    act(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Command::Hold(body.into_inner()),
    )
    .await
}

/// Stop waiting: the paused clocks run again, their due times moved by the time on hold.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is not on hold (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/resume")]
pub async fn resume_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    act(&state, caller, id.into_inner(), if_match, Command::Resume).await
}
