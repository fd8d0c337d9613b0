use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::TicketView;
use super::{optional_text, required_text};
use crate::auth::AuthUser;
use crate::db::models::field_visit;
use crate::db::models::ticket::TicketChanges;
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveTicket {
    #[schema(example = "Jalan sudah ditambal sepanjang 120 m")]
    pub summary: Option<String>,
    /// Why no field visit was needed (when none was recorded).
    pub no_visit_reason: Option<String>,
}

/// Resolve the ticket with a summary; needs a field visit or a reason why none was needed.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = ResolveTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not from the ticket's current status (`invalid_transition`, with `allowed_actions`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/resolve")]
pub async fn resolve_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: web::Json<ResolveTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    transition(&state, caller, id.into_inner(),
        if_match,
        Action::Resolve,
        move |c, ticket, _caller| {
            let summary = required_text("summary", body.summary, 5000)?;
            let no_visit_reason = optional_text("no_visit_reason", body.no_visit_reason, 2000)?;
            let visits = field_visit::count_for_ticket(c, &ticket.id)?;
            if visits == 0 && no_visit_reason.is_none() {
                return Err(ApiError::invalid(
                    "no_visit_reason",
                    "record a field visit first, or say why none was needed",
                ));
            }
            let data = json!({"summary": summary, "no_visit_reason": no_visit_reason, "field_visits": visits});
            let changes = TicketChanges {
                resolution: Some(Some(summary)),
                ..Default::default()
            };
            Ok(Change { changes, data })
        },
    )
    .await
}
