//! Tickets: `/api/v1/tickets` — filing, lists, one ticket, its actions, timeline and field
//! visits. Who may see and do what is asked of `domain::lifecycle`, never decided here.

mod act;
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
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use act::{data_text, IfMatch};
pub use assign_ticket::AssignTicket;
pub use close_ticket::CloseTicket;
pub use create_field_visit::{CreateFieldVisit, FieldVisitView};
pub(crate) use file_ticket::{check as check_filing, file as file_checked, Filed};
pub use file_ticket::{FileTicket, SourceInput};
pub use get_open311_request::Open311RequestView;
pub use hold_ticket::HoldTicket;
pub use list_events::{ActorView, EventView};
pub use list_tickets::ListTicketsQuery;
pub use merge_ticket::MergeTicket;
pub use refer_ticket::ReferTicket;
pub use reject_ticket::RejectTicket;
pub use reopen_ticket::ReopenTicket;
pub use reply_ticket::ReplyToTicket;
pub use resolve_ticket::ResolveTicket;
pub use return_ticket::ReturnTicket;
pub use route_ticket::RouteTicket;
pub use start_ticket::StartTicket;

use crate::auth::AuthUser;
use crate::db::models::clock::{self, ClockRow};
use crate::db::models::hold::{self, Hold};
use crate::db::models::ticket::Ticket;
use crate::db::models::{category, region};
use crate::db::DbConnection;
use crate::domain::lifecycle::{self, Action, Actor, Status, TicketFacts};
use crate::domain::sla::{Clock, ClockRun};
use crate::domain::source::Channel;
use crate::error::ApiError;

/// A point on the map (WGS 84).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[schema(example = -6.6583)]
    pub lat: f64,
    #[schema(example = 107.6772)]
    pub long: f64,
}

impl Location {
    pub fn check(&self) -> Result<(), &'static str> {
        if !(-90.0..=90.0).contains(&self.lat) {
            return Err("lat must be from -90 to 90");
        }
        if !(-180.0..=180.0).contains(&self.long) {
            return Err("long must be from -180 to 180");
        }
        Ok(())
    }

    pub fn from_columns(lat: Option<f64>, lng: Option<f64>) -> Option<Location> {
        Some(Location {
            lat: lat?,
            long: lng?,
        })
    }
}

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
}

/// Why and since when a ticket is on hold.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldView {
    pub since: DateTime<Utc>,
    pub reason: String,
    /// When aduan withdraws the ticket (rejects it) unless it is resumed first.
    pub withdraw_at: DateTime<Utc>,
}

/// What a ticket's view shows besides its row.
#[derive(Debug, Default)]
pub struct Extras {
    pub clocks: Vec<ClockRow>,
    pub hold: Option<Hold>,
}

fn clock_views(mut rows: Vec<ClockRow>) -> Vec<ClockRun> {
    let order = |c: &str| Clock::ALL.iter().position(|k| k.as_str() == c).unwrap_or(9);
    rows.sort_by_key(|r| order(&r.clock));
    rows.iter().filter_map(crate::clocks::run_of).collect()
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn actor(caller: &AuthUser) -> Actor<'_> {
    Actor {
        id: &caller.id,
        role: caller.role,
        agency_id: caller.agency_id.as_deref(),
        division_id: caller.division_id.as_deref(),
    }
}

pub fn status_of(t: &Ticket) -> Status {
    Status::parse(&t.status).unwrap_or(Status::New)
}

/// The ticket as the policy sees it, for visibility (holds do not change who sees a ticket).
pub fn facts(t: &Ticket) -> TicketFacts<'_> {
    facts_held(t, false)
}

/// The ticket as the policy sees it, for deciding actions.
pub fn facts_held(t: &Ticket, on_hold: bool) -> TicketFacts<'_> {
    TicketFacts {
        status: status_of(t),
        agency_id: t.agency_id.as_deref(),
        division_id: t.division_id.as_deref(),
        filed_by: &t.filed_by,
        on_hold,
    }
}

/// The ticket, if it exists in the caller's jurisdiction and the caller may see it; 404
/// otherwise, so that ids of other agencies' tickets tell nothing.
pub fn load_visible(
    conn: &mut DbConnection,
    caller: &AuthUser,
    id: &str,
) -> Result<Ticket, ApiError> {
    crate::db::models::ticket::find(conn, &caller.jurisdiction_id, id)?
        .filter(|t| lifecycle::can_see(&actor(caller), &facts(t)))
        .ok_or_else(|| ApiError::not_found("there is no ticket with this id"))
}

/// Shapes tickets for `caller`, looking up category and region codes in two queries.
pub fn views(
    conn: &mut DbConnection,
    caller: &AuthUser,
    rows: Vec<Ticket>,
) -> Result<Vec<TicketView>, ApiError> {
    let ids = |f: fn(&Ticket) -> Option<&String>| {
        let mut v: Vec<String> = rows.iter().filter_map(f).cloned().collect();
        v.sort();
        v.dedup();
        v
    };
    let categories = category::codes_of(conn, &ids(|t| t.category_id.as_ref()))?;
    let regions = region::codes_of(conn, &ids(|t| t.region_id.as_ref()))?;
    let ticket_ids: Vec<String> = rows.iter().map(|t| t.id.clone()).collect();
    let mut extras: std::collections::HashMap<String, Extras> = std::collections::HashMap::new();
    for c in clock::for_tickets(conn, &ticket_ids)? {
        extras
            .entry(c.ticket_id.clone())
            .or_default()
            .clocks
            .push(c);
    }
    for h in hold::for_tickets(conn, &ticket_ids)? {
        let id = h.ticket_id.clone();
        extras.entry(id).or_default().hold = Some(h);
    }
    Ok(rows
        .into_iter()
        .map(|t| {
            let category = t
                .category_id
                .as_ref()
                .and_then(|c| categories.get(c).cloned());
            let region = t.region_id.as_ref().and_then(|r| regions.get(r).cloned());
            let extra = extras.remove(&t.id).unwrap_or_default();
            shape(caller, t, category, region, extra)
        })
        .collect())
}

/// A ticket for `caller`, given the codes of its category and region.
pub fn shape(
    caller: &AuthUser,
    t: Ticket,
    category: Option<String>,
    region: Option<String>,
    extra: Extras,
) -> TicketView {
    let allowed_actions =
        lifecycle::allowed_actions(&actor(caller), &facts_held(&t, extra.hold.is_some()));
    let hold_limit = chrono::Duration::days(caller.jurisdiction.hold_limit_days as i64);
    let hold = extra.hold.map(|h| HoldView {
        since: utc(h.held_at),
        reason: h.reason,
        withdraw_at: utc(h.held_at) + hold_limit,
    });
    let personal = lifecycle::sees_personal_data(caller.role);
    TicketView {
        status: status_of(&t),
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
            commented_at: t.commented_at.map(utc),
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
        created_at: utc(t.created_at),
        updated_at: utc(t.updated_at),
        allowed_actions,
        clocks: clock_views(extra.clocks),
        next_due_at: t.next_due_at.map(utc),
        hold,
    }
}

pub fn view(conn: &mut DbConnection, caller: &AuthUser, t: Ticket) -> Result<TicketView, ApiError> {
    views(conn, caller, vec![t])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no view")))
}

/// 200 with the ticket and its version as the ETag.
pub fn ticket_ok(v: TicketView) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", v.version)))
        .json(v)
}

/// A text field: trimmed, blank counts as absent, at most `max` characters.
pub fn clean_text(value: Option<String>, max: usize) -> Result<Option<String>, String> {
    let v = value
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    match v {
        Some(s) if s.chars().count() > max => Err(format!("must have at most {max} characters")),
        other => Ok(other),
    }
}

/// A required text field: trimmed, not blank, at most `max` characters.
pub fn required_text(field: &str, value: Option<String>, max: usize) -> Result<String, ApiError> {
    match optional_text(field, value, max)? {
        Some(v) => Ok(v),
        None => Err(ApiError::invalid(field, "must not be blank")),
    }
}

pub fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    clean_text(value, max).map_err(|m| ApiError::invalid(field, m))
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
        .service(get_open311_request::get_open311_request);
}
