use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::required_text;
use super::TicketView;
use crate::auth::AuthUser;
use crate::db::models::ticket::TicketChanges;
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnTicket {
    #[schema(example = "Bukan kewenangan: jalan provinsi")]
    pub reason: Option<String>,
}

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
    body: web::Json<ReturnTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Return,
        move |_c, ticket, _caller| {
            let reason = required_text("reason", body.reason, 2000)?;
            let data = json!({"reason": reason, "agency_id": ticket.agency_id});
            let changes = TicketChanges {
                agency_id: Some(None),
                division_id: Some(None),
                assignee_id: Some(None),
                ..Default::default()
            };
            Ok(Change { changes, data })
        },
    )
    .await
}
