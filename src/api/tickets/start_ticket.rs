use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::optional_text;
use super::TicketView;
use crate::auth::AuthUser;
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartTicket {
    pub note: Option<String>,
}

/// Start work on the ticket (division head, agency head). The body may be empty.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = StartTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not from the ticket's current status (`invalid_transition`, with `allowed_actions`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/start")]
pub async fn start_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: Option<web::Json<StartTicket>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.map(|b| b.into_inner()).unwrap_or_default();
    transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Start,
        move |_c, _ticket, _caller| {
            let note = optional_text("note", body.note, 2000)?;
            let data = json!({"note": note});
            Ok(Change::data(data))
        },
    )
    .await
}
