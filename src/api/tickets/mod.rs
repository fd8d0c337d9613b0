//! Tickets: `/api/v1/tickets` — filing, lists, one ticket, its actions, timeline and field
//! visits. Each handler calls `service::tickets` and shapes the ticket as its caller may see it
//! (`TicketView`); who may see and do what is decided there, never here.

mod assign_ticket;
mod close_ticket;
mod create_field_visit;
mod file_ticket;
mod get_open311_request;
mod get_ticket;
mod hold_ticket;
mod list_events;
mod list_field_visits;
mod list_tickets;
mod merge_ticket;
pub mod proof;
mod refer_ticket;
mod reject_ticket;
mod reopen_ticket;
mod reply_ticket;
mod resolve_ticket;
mod return_ticket;
mod route_ticket;
mod start_ticket;

use actix_web::http::header;
use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use create_field_visit::FieldVisitView;
pub use get_open311_request::Open311RequestView;
pub use list_events::{ActorView, EventView};
pub use list_tickets::ListTicketsQuery;

use super::extract::IfMatch;
use super::ApiError;
use crate::auth::AuthUser;
use crate::domain::lifecycle::{Action, Status};
use crate::domain::location::Location;
use crate::domain::sla::ClockRun;
use crate::domain::source::Channel;
use crate::ids::TicketId;
use crate::service::tickets::{self as service, Command, TicketDetails};
use crate::state::AppState;

/// The comment (or message) a ticket was filed from.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceView {
    pub platform: Channel,
    pub comment_url: Option<String>,
    /// The canonical key of the comment: one comment, one ticket.
    #[schema(example = "instagram:comment:18034567890123456")]
    pub comment_key: String,
    pub post_url: Option<String>,
    /// The official account the comment was on.
    pub account: Option<String>,
    /// The commenter's handle; null for callers who may not see personal data.
    pub author: Option<String>,
    pub commented_at: Option<DateTime<Utc>>,
    pub text: String,
}

/// A ticket, as its viewer may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketView {
    #[schema(format = Uuid)]
    pub id: String,
    /// Public tracking code.
    #[schema(example = "SBG-25-000123")]
    pub code: String,
    pub status: Status,
    pub title: String,
    pub description: Option<String>,
    /// Category code.
    #[schema(example = "jalan")]
    pub category: Option<String>,
    /// Region code.
    #[schema(example = "jalancagak")]
    pub region: Option<String>,
    pub location: Option<Location>,
    pub address: Option<String>,
    #[schema(format = Uuid)]
    pub agency_id: Option<String>,
    #[schema(format = Uuid)]
    pub division_id: Option<String>,
    #[schema(format = Uuid)]
    pub assignee_id: Option<String>,
    /// The agency whose tupoksi covers the category.
    #[schema(format = Uuid)]
    pub suggested_agency_id: Option<String>,
    pub source: SourceView,
    /// The commenter's identity is hidden from the public.
    pub anonymous: bool,
    /// Not shown publicly at all.
    pub confidential: bool,
    /// The link to the public reply (set when closed).
    pub reply_url: Option<String>,
    /// The resolution summary.
    pub resolution: Option<String>,
    /// Grows by one with every action; send it in `If-Match` to act only on this state.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What the caller may do to the ticket now.
    pub allowed_actions: Vec<Action>,
    /// The SLA clocks the ticket has run, in `first_response, verify, follow_up, resolve` order.
    pub clocks: Vec<ClockRun>,
    /// The earliest due time of the clocks still counting (null when none counts).
    pub next_due_at: Option<DateTime<Utc>>,
    /// Set while the ticket waits for the complainant's information.
    pub hold: Option<HoldView>,
    /// The photos and screenshots it was filed with (field visits list their own).
    pub attachments: Vec<crate::api::attachments::AttachmentView>,
}

/// Why and since when a ticket is on hold.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldView {
    pub since: DateTime<Utc>,
    pub reason: String,
    /// When aduan withdraws the ticket (rejects it) unless it is resumed first.
    pub withdraw_at: DateTime<Utc>,
}

impl TicketView {
    /// `d` as `caller` may see it.
    pub fn of(caller: &AuthUser, d: TicketDetails) -> TicketView {
        let allowed_actions = d.allowed_actions(caller);
        let clocks = d.clock_runs();
        let TicketDetails {
            ticket: t,
            category,
            region,
            hold,
            files,
            ..
        } = d;
        let hold_limit = chrono::Duration::days(caller.jurisdiction.hold_limit_days as i64);
        let hold = hold.map(|h| HoldView {
            since: h.held_at.and_utc(),
            reason: h.reason,
            withdraw_at: h.held_at.and_utc() + hold_limit,
        });
        let personal = crate::domain::lifecycle::sees_personal_data(caller.role);
        TicketView {
            status: t.status(),
            category,
            region,
            location: Location::from_columns(t.lat, t.lng),
            source: SourceView {
                platform: Channel::parse(&t.platform).unwrap_or(Channel::Other),
                comment_url: t.comment_url,
                comment_key: t.comment_key,
                post_url: t.post_url,
                account: t.account,
                author: t.author.filter(|_| personal),
                commented_at: t.commented_at.map(|t| t.and_utc()),
                text: t.comment_text,
            },
            id: t.id,
            code: t.code,
            title: t.title,
            description: t.description,
            address: t.address,
            agency_id: t.agency_id,
            division_id: t.division_id,
            assignee_id: t.assignee_id,
            suggested_agency_id: t.suggested_agency_id,
            anonymous: t.anonymous,
            confidential: t.confidential,
            reply_url: t.reply_url,
            resolution: t.resolution,
            version: t.version,
            created_at: t.created_at.and_utc(),
            updated_at: t.updated_at.and_utc(),
            allowed_actions,
            attachments: files.into_iter().map(Into::into).collect(),
            clocks,
            next_due_at: t.next_due_at.map(|t| t.and_utc()),
            hold,
        }
    }
}

/// 200 with the ticket and its version as the ETag.
pub fn ticket_ok(v: TicketView) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", v.version)))
        .json(v)
}

/// Does `command` to ticket `id` and answers 200 with the updated ticket.
async fn act(
    state: &AppState,
    caller: AuthUser,
    id: TicketId,
    if_match: IfMatch,
    command: Command,
) -> Result<HttpResponse, ApiError> {
    let d = service::act(state, caller.clone(), id.db(), if_match.0, command).await?;
    Ok(ticket_ok(TicketView::of(&caller, d)))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_tickets::list_tickets)
        .service(file_ticket::file_ticket)
        .service(get_ticket::get_ticket)
        .service(list_events::list_events)
        .service(route_ticket::route_ticket)
        .service(return_ticket::return_ticket)
        .service(assign_ticket::assign_ticket)
        .service(start_ticket::start_ticket)
        .service(resolve_ticket::resolve_ticket)
        .service(close_ticket::close_ticket)
        .service(reopen_ticket::reopen_ticket)
        .service(reject_ticket::reject_ticket)
        .service(refer_ticket::refer_ticket)
        .service(merge_ticket::merge_ticket)
        .service(reply_ticket::reply_ticket)
        .service(hold_ticket::hold_ticket)
        .service(hold_ticket::resume_ticket)
        .service(create_field_visit::create_field_visit)
        .service(list_field_visits::list_field_visits)
        .service(get_open311_request::get_open311_request)
        .service(proof::list_public_photos)
        .service(proof::publish_photo)
        .service(proof::withdraw_photo)
        .service(proof::proof_card);
}
