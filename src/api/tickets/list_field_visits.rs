use actix_web::{get, web, web::Json};

use super::create_field_visit::FieldVisitView;
use crate::api::pagination::Paged;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::ids::TicketId;
use crate::service::tickets::visits_of;
use crate::state::AppState;

/// A ticket's field visits in the order they happened, with their files (one page).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("id" = TicketId, Path)), responses(
    (status = 200, body = Paged<FieldVisitView>),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/tickets/{id}/field-visits")]
pub async fn list_field_visits(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
) -> Result<Json<Paged<FieldVisitView>>, ApiError> {
    let id = id.into_inner().db();
    let visits = state.db.read(move |c| visits_of(c, &caller, &id)).await?;
    Ok(Json(Paged {
        items: visits
            .into_iter()
            .map(|(v, files)| FieldVisitView::new(v, files))
            .collect(),
        next_cursor: None,
    }))
}
