use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::optional_text;
use super::TicketView;
use crate::auth::AuthUser;
use crate::db::models::agency;
use crate::db::models::ticket::TicketChanges;
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::AgencyId;
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTicket {
    pub agency_id: AgencyId,
    pub note: Option<String>,
}

/// Route (disposisi) the ticket to the agency whose tupoksi covers it (coordinator, admin).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = RouteTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not from the ticket's current status (`invalid_transition`, with `allowed_actions`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/route")]
pub async fn route_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: web::Json<RouteTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Route,
        move |c, _ticket, caller| {
            let note = optional_text("note", body.note, 2000)?;
            let agency = agency::find(c, &caller.jurisdiction_id, &body.agency_id.db())?
                .ok_or_else(|| ApiError::invalid("agency_id", "there is no agency with this id"))?;
            let data = json!({"agency_id": agency.id, "agency_code": agency.code, "note": note});
            let changes = TicketChanges {
                agency_id: Some(Some(agency.id)),
                division_id: Some(None),
                assignee_id: Some(None),
                ..Default::default()
            };
            Ok(Change { changes, data })
        },
    )
    .await
}
