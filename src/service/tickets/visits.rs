//! Field visits: a division's visit to the place of a complaint, with its photos, recorded as
//! a `visit` action on the ticket.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{perform, Change};
use super::details::{load_visible, TicketDetails};
use crate::auth::AuthUser;
use crate::db::models::attachment::Attachment;
use crate::db::models::field_visit::{self, FieldVisit, VisitAttachment};
use crate::db::models::ticket::Ticket;
use crate::db::DbConnection;
use crate::domain::lifecycle::Action;
use crate::domain::location::Location;
use crate::error::{required_text, ServiceError};
use crate::ids::AttachmentId;
use crate::service::uploads;
use crate::state::AppState;

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

/// A visit with its files, in their order.
pub type Visit = (FieldVisit, Vec<Attachment>);

/// Records a field visit to ticket `id` (division head, agency head; while assigned or in
/// progress), if the ticket is still at `version` (when given). Appends a `visit` event and
/// raises the ticket's version.
pub async fn record_visit(
    state: &AppState,
    caller: AuthUser,
    id: String,
    version: Option<i32>,
    input: CreateFieldVisit,
) -> Result<(TicketDetails, Visit), ServiceError> {
    perform(state, caller, id, version, Action::Visit, move |c, t, u| {
        write_visit(c, t, u, input)
    })
    .await
}

fn write_visit(
    c: &mut DbConnection,
    ticket: &Ticket,
    caller: &AuthUser,
    input: CreateFieldVisit,
) -> Result<(Change, Visit), ServiceError> {
    let notes = required_text("notes", input.notes, 5000)?;
    if input.visited_at.to_utc() > Utc::now() + chrono::Duration::minutes(10) {
        return Err(ServiceError::invalid("visited_at", "is in the future"));
    }
    if let Some(loc) = &input.location {
        loc.check()
            .map_err(|m| ServiceError::invalid("location", m))?;
    }
    let files = uploads::own_files(c, caller, &input.attachment_ids)?;
    let visit = FieldVisit {
        id: crate::db::new_id(),
        jurisdiction_id: caller.jurisdiction_id.clone(),
        ticket_id: ticket.id.clone(),
        visitor_id: caller.id.clone(),
        visited_at: input.visited_at.naive_utc(),
        notes,
        lat: input.location.map(|l| l.lat),
        lng: input.location.map(|l| l.long),
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
    Ok((Change::data(data), (visit, files)))
}

/// The field visits of ticket `id`, oldest first, if the caller sees the ticket.
pub fn visits_of(
    c: &mut DbConnection,
    caller: &AuthUser,
    id: &str,
) -> Result<Vec<Visit>, ServiceError> {
    let t = load_visible(c, caller, id)?;
    Ok(field_visit::list_for_ticket(c, &t.id)?)
}
