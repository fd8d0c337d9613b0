use actix_web::{get, web, HttpResponse};

use super::{ticket_ok, TicketView};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::ids::TicketId;
use crate::service::tickets::{details_of, load_visible};
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
    let who = caller.clone();
    let d = state
        .db
        .read(move |c| {
            let t = load_visible(c, &who, &id)?;
            details_of(c, t)
        })
        .await?;
    Ok(ticket_ok(TicketView::of(&caller, d)))
}
