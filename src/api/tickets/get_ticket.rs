use actix_web::{get, web, HttpResponse};

use super::{load_visible, ticket_ok, view, TicketView};
use crate::auth::AuthUser;
use crate::error::{ApiError, Problem};
use crate::ids::TicketId;
use crate::state::AppState;

/// One ticket, with what the caller may do to it; the ETag is its version.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("id" = TicketId, Path)), responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 404, description = "No such ticket, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
))]
#[get("/tickets/{id}")]
pub async fn get_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().db();
    let v = state
        .db
        .read(move |c| {
            let t = load_visible(c, &caller, &id)?;
            view(c, &caller, t)
        })
        .await?;
    Ok(ticket_ok(v))
}
