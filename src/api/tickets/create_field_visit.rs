use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::attachments::AttachmentView;
use crate::api::extract::IfMatch;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::attachment::Attachment;
use crate::db::models::field_visit::FieldVisit;
use crate::domain::location::Location;
use crate::ids::TicketId;
use crate::service::tickets::{self as service, CreateFieldVisit};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldVisitView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub ticket_id: String,
    pub visited_at: DateTime<Utc>,
    pub notes: String,
    pub location: Option<Location>,
    #[schema(format = Uuid)]
    pub visitor_id: String,
    pub attachments: Vec<AttachmentView>,
}

impl FieldVisitView {
    pub fn new(v: FieldVisit, files: Vec<Attachment>) -> FieldVisitView {
        FieldVisitView {
            location: Location::from_columns(v.lat, v.lng),
            id: v.id,
            ticket_id: v.ticket_id,
            visited_at: v.visited_at.and_utc(),
            notes: v.notes,
            visitor_id: v.visitor_id,
            attachments: files.into_iter().map(AttachmentView::from).collect(),
        }
    }
}

/// Record a field visit with its photos (division head, agency head; while assigned or in
/// progress). Appends a `visit` event and raises the ticket's version.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), request_body = CreateFieldVisit,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "Act only if the ticket is still at this version")),
    responses(
        (status = 201, body = FieldVisitView, headers(("Location" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets/{id}/field-visits")]
pub async fn create_field_visit(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
    if_match: IfMatch,
    body: Body<CreateFieldVisit>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().db();
    let (_, (visit, files)) =
        service::record_visit(&state, caller, id, if_match.0, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/tickets/{}/field-visits", visit.ticket_id),
        ))
        .json(FieldVisitView::new(visit, files)))
}
