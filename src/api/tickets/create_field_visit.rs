use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::act::{perform, Change, IfMatch};
use super::{required_text, utc, Location};
use crate::api::attachments::AttachmentView;
use crate::auth::AuthUser;
use crate::db::models::attachment::{self, Attachment};
use crate::db::models::field_visit::{self, FieldVisit, VisitAttachment};
use crate::db::models::ticket::TicketChanges;
use crate::domain::lifecycle::Action;
use crate::error::{ApiError, Problem};
use crate::ids::{AttachmentId, TicketId};
use crate::state::AppState;

/// At most this many files per visit.
const MAX_FILES: usize = 20;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFieldVisit {
    pub visited_at: DateTime<FixedOffset>,
    #[schema(example = "Lubang 3 titik, sudah diukur; tim tambal dijadwalkan besok")]
    pub notes: Option<String>,
    pub location: Option<Location>,
    /// Files uploaded by the caller with `POST /api/v1/attachments`.
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

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
            visited_at: utc(v.visited_at),
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
    body: web::Json<CreateFieldVisit>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (_, visit) = perform(
        &state,
        caller,
        id.into_inner().db(),
        if_match,
        Action::Visit,
        move |c, ticket, caller| {
            let notes = required_text("notes", body.notes, 5000)?;
            if body.visited_at.to_utc() > Utc::now() + chrono::Duration::minutes(10) {
                return Err(ApiError::invalid("visited_at", "is in the future"));
            }
            if let Some(loc) = &body.location {
                loc.check().map_err(|m| ApiError::invalid("location", m))?;
            }
            let ids: Vec<String> = body.attachment_ids.iter().map(|a| a.db()).collect();
            let mut seen = std::collections::HashSet::new();
            if !ids.iter().all(|i| seen.insert(i)) || ids.len() > MAX_FILES {
                return Err(ApiError::invalid(
                    "attachment_ids",
                    format!("must list distinct files, at most {MAX_FILES}"),
                ));
            }
            let found = attachment::find_many(c, &caller.jurisdiction_id, &ids)?;
            let mut files = Vec::with_capacity(ids.len());
            for id in &ids {
                match found
                    .iter()
                    .find(|a| &a.id == id && a.uploader_id == caller.id)
                {
                    Some(a) => files.push(a.clone()),
                    None => {
                        return Err(ApiError::invalid(
                            "attachment_ids",
                            format!("{id} is not a file you uploaded"),
                        ))
                    }
                }
            }
            let visit = FieldVisit {
                id: crate::db::new_id(),
                jurisdiction_id: caller.jurisdiction_id.clone(),
                ticket_id: ticket.id.clone(),
                visitor_id: caller.id.clone(),
                visited_at: body.visited_at.naive_utc(),
                notes,
                lat: body.location.map(|l| l.lat),
                lng: body.location.map(|l| l.long),
                created_at: crate::db::now(),
            };
            let links: Vec<VisitAttachment> = files
                .iter()
                .enumerate()
                .map(|(i, a)| VisitAttachment {
                    visit_id: visit.id.clone(),
                    attachment_id: a.id.clone(),
                    ticket_id: ticket.id.clone(),
                    position: i as i32,
                })
                .collect();
            field_visit::insert(c, &visit, &links)?;
            let data = json!({"field_visit_id": visit.id, "attachments": links.len()});
            Ok((
                Change {
                    changes: TicketChanges::default(),
                    data,
                },
                FieldVisitView::new(visit, files),
            ))
        },
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/tickets/{}/field-visits", visit.ticket_id),
        ))
        .json(visit))
}
