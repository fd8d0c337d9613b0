use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::{required_text, TicketView};
use crate::auth::AuthUser;
use crate::db::models::hold::{self, Hold};
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldTicket {
    /// What the complainant was asked for.
    #[schema(example = "Menunggu lokasi persis dari pelapor")]
    pub reason: Option<String>,
}

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
    body: web::Json<HoldTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Hold,
        move |c, ticket, caller| {
            let reason = required_text("reason", body.reason, 2000)?;
            hold::insert(
                c,
                &Hold {
                    ticket_id: ticket.id.clone(),
                    jurisdiction_id: ticket.jurisdiction_id.clone(),
                    held_at: crate::db::now(),
                    held_by: caller.id.clone(),
                    reason: reason.clone(),
                },
            )?;
            Ok(Change::data(json!({"reason": reason})))
        },
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
    transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Resume,
        move |c, ticket, _caller| {
            let held = hold::find(c, &ticket.id)?;
            hold::delete(c, &ticket.id)?;
            let since = held.map(|h| h.held_at.and_utc());
            Ok(Change::data(json!({ "held_since": since })))
        },
    )
    .await
}
