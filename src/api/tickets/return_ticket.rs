use crate::api::extract::Body;
use actix_web::{post, web, HttpResponse};

use super::act;
use super::TicketView;
use crate::api::extract::IfMatch;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::ids::TicketId;
use crate::service::tickets::{Command, ReturnTicket};
use crate::state::AppState;

/// Return the ticket as not the agency's duty (bukan kewenangan), with a reason.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = ReturnTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not from the ticket's current status (`invalid_transition`, with `allowed_actions`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/return")]
pub async fn return_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: Body<ReturnTicket>,
) -> Result<HttpResponse, ApiError> {
    act(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Command::Return(body.into_inner()),
    )
    .await
}
