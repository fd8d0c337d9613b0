use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::TicketView;
use crate::auth::AuthUser;
use crate::db::models::ticket::TicketChanges;
use crate::db::models::{division, user};
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::ids::{DivisionId, UserId};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTicket {
    pub division_id: DivisionId,
    pub assignee_id: Option<UserId>,
}

/// Assign the ticket to a division of its agency, and optionally to a person.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = AssignTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not from the ticket's current status (`invalid_transition`, with `allowed_actions`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/assign")]
pub async fn assign_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: web::Json<AssignTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    transition(&state, caller, id.into_inner(),
        if_match,
        Action::Assign,
        move |c, ticket, caller| {
            let jur = &caller.jurisdiction_id;
            let division = division::find(c, jur, &body.division_id.db())?
                .filter(|d| Some(&d.agency_id) == ticket.agency_id.as_ref())
                .ok_or_else(|| {
                    ApiError::invalid("division_id", "is not a division of the ticket's agency")
                })?;
            let assignee = match body.assignee_id {
                Some(u) => Some(
                    user::find(c, jur, &u.db())?
                        .filter(|u| u.active && (u.division_id.as_ref() == Some(&division.id) || u.agency_id.as_ref() == Some(&division.agency_id)))
                        .ok_or_else(|| {
                            ApiError::invalid("assignee_id", "is not an active user of the ticket's agency")
                        })?
                        .id,
                ),
                None => None,
            };
            let data = json!({"division_id": division.id, "division_code": division.code, "assignee_id": assignee});
            let changes = TicketChanges {
                division_id: Some(Some(division.id)),
                assignee_id: Some(assignee),
                ..Default::default()
            };
            Ok(Change { changes, data })
        },
    )
    .await
}
