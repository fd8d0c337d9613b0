use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::status_of;
use super::TicketView;
use crate::auth::AuthUser;
use crate::db::models::ticket;
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeTicket {
    /// The ticket this one duplicates.
    pub into: TicketId,
}

/// Merge the ticket into the one it duplicates, which stays open (coordinator).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = MergeTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not from the ticket's current status (`invalid_transition`, with `allowed_actions`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/merge")]
pub async fn merge_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: web::Json<MergeTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Merge,
        move |c, ticket, caller| {
            let into = ticket::find(c, &caller.jurisdiction_id, &body.into.db())?
                .ok_or_else(|| ApiError::invalid("into", "there is no ticket with this id"))?;
            if into.id == ticket.id {
                return Err(ApiError::invalid(
                    "into",
                    "a ticket cannot be merged into itself",
                ));
            }
            if !status_of(&into).is_open() {
                return Err(ApiError::invalid(
                    "into",
                    format!(
                        "ticket {} is {}; merge into an open ticket",
                        into.code, into.status
                    ),
                ));
            }
            let data = json!({"into": into.id, "into_code": into.code});
            Ok(Change::data(data))
        },
    )
    .await
}
