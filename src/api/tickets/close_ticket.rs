use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{transition, Change, IfMatch};
use super::TicketView;
use crate::auth::AuthUser;
use crate::db::models::ticket::TicketChanges;
use crate::domain::lifecycle::Action;
use crate::domain::reference::check_http_url;
use crate::domain::source::Channel;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseTicket {
    #[schema(example = "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890999999/")]
    pub reply_url: Option<String>,
}

/// The reply must be an http(s) link, on the source comment's platform for social channels.
pub(super) fn check_reply_url(channel: Channel, raw: Option<String>) -> Result<String, ApiError> {
    let raw = raw
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| ApiError::invalid("reply_url", "must not be blank"))?;
    let url = check_http_url(&raw).map_err(|m| ApiError::invalid("reply_url", m))?;
    if let Some(platform) = channel.social() {
        if !url.host_str().is_some_and(|h| platform.owns_host(h)) {
            return Err(ApiError::invalid(
                "reply_url",
                format!(
                    "must be on {} like the comment it answers",
                    platform.as_str()
                ),
            ));
        }
    }
    Ok(url.to_string())
}

/// Close the ticket with the link to the public reply (on the platform of the source comment).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = CloseTicket,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version (its ETag)")),
    responses(
        (status = 200, description = "The updated ticket", body = TicketView),
        (status = 403, description = "The caller may not do this to the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not from the ticket's current status (`invalid_transition`, with `allowed_actions`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket is no longer at the `If-Match` version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/close")]
pub async fn close_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: web::Json<CloseTicket>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    transition(
        &state,
        caller,
        id.into_inner(),
        if_match,
        Action::Close,
        move |_c, ticket, _caller| {
            let channel = Channel::parse(&ticket.platform).unwrap_or(Channel::Other);
            let reply_url = check_reply_url(channel, body.reply_url)?;
            let data = json!({"reply_url": reply_url});
            let changes = TicketChanges {
                reply_url: Some(Some(reply_url)),
                ..Default::default()
            };
            Ok(Change { changes, data })
        },
    )
    .await
}
