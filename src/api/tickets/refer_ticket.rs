use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::TicketView;
use super::{optional_text, required_text};
use crate::auth::AuthUser;
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferTicket {
    /// The external body.
    #[schema(example = "PLN UP3 Subang")]
    pub to: Option<String>,
    pub note: Option<String>,
}

/// Refer the ticket to a body outside local government (PLN, PDAM, province…) (coordinator).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = ReferTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not from the ticket's current status (`invalid_transition`, with `allowed_actions`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/refer")]
pub async fn refer_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: web::Json<ReferTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Refer,
        move |_c, _ticket, _caller| {
            let to = required_text("to", body.to, 200)?;
            let note = optional_text("note", body.note, 2000)?;
            let data = json!({"to": to, "note": note});
            Ok(Change::data(data))
        },
    )
    .await
}
