//! The actions on a ticket that answer with the updated ticket: each one's input, and what it
//! checks and changes. Who may do what, and from which status, is `domain::lifecycle`'s to say
//! (through `perform`); here is only what each action needs besides.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::act::{perform, Change};
use super::details::TicketDetails;
use crate::auth::AuthUser;
use crate::db::models::hold::{self, Hold};
use crate::db::models::ticket::{self, Ticket, TicketChanges};
use crate::db::models::{agency, division, field_visit, user};
use crate::db::DbConnection;
use crate::domain::lifecycle::Action;
use crate::domain::reference::check_http_url;
use crate::domain::source::Channel;
use crate::error::{optional_text, required_text, ServiceError};
use crate::ids::{AgencyId, DivisionId, TicketId, UserId};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTicket {
    pub agency_id: AgencyId,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnTicket {
    #[schema(example = "Bukan kewenangan: jalan provinsi")]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTicket {
    pub division_id: DivisionId,
    pub assignee_id: Option<UserId>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartTicket {
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveTicket {
    #[schema(example = "Jalan sudah ditambal sepanjang 120 m")]
    pub summary: Option<String>,
    /// Why no field visit was needed (when none was recorded).
    pub no_visit_reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseTicket {
    #[schema(example = "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890999999/")]
    pub reply_url: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyToTicket {
    /// The public reply, on the platform of the source comment.
    #[schema(example = "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890999999/")]
    pub reply_url: Option<String>,
    /// What the reply said, for the timeline (at most 2,000 characters).
    #[schema(example = "Terima kasih, laporan sudah diteruskan ke DPUPR.")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenTicket {
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectTicket {
    #[schema(example = "Bukan aduan: ucapan terima kasih")]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferTicket {
    /// The external body.
    #[schema(example = "PLN UP3 Subang")]
    pub to: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeTicket {
    /// The ticket this one duplicates.
    pub into: TicketId,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldTicket {
    /// What the complainant was asked for.
    #[schema(example = "Menunggu lokasi persis dari pelapor")]
    pub reason: Option<String>,
}

/// An action with its input.
#[derive(Debug)]
pub enum Command {
    Route(RouteTicket),
    Return(ReturnTicket),
    Assign(AssignTicket),
    Start(StartTicket),
    Resolve(ResolveTicket),
    Close(CloseTicket),
    Reply(ReplyToTicket),
    Reopen(ReopenTicket),
    Reject(RejectTicket),
    Refer(ReferTicket),
    Merge(MergeTicket),
    Hold(HoldTicket),
    Resume,
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Route(_) => Action::Route,
            Command::Return(_) => Action::Return,
            Command::Assign(_) => Action::Assign,
            Command::Start(_) => Action::Start,
            Command::Resolve(_) => Action::Resolve,
            Command::Close(_) => Action::Close,
            Command::Reply(_) => Action::Reply,
            Command::Reopen(_) => Action::Reopen,
            Command::Reject(_) => Action::Reject,
            Command::Refer(_) => Action::Refer,
            Command::Merge(_) => Action::Merge,
            Command::Hold(_) => Action::Hold,
            Command::Resume => Action::Resume,
        }
    }

    /// Checks the input against `ticket` and says what changes (a hold writes its row here).
    fn change(
        self,
        c: &mut DbConnection,
        ticket: &Ticket,
        caller: &AuthUser,
    ) -> Result<Change, ServiceError> {
        match self {
            Command::Route(b) => route(c, caller, b),
            Command::Return(b) => give_back(ticket, b),
            Command::Assign(b) => assign(c, ticket, caller, b),
            Command::Start(b) => note_only(b.note),
            Command::Resolve(b) => resolve(c, ticket, b),
            Command::Close(b) => close(ticket, b),
            Command::Reply(b) => reply(ticket, b),
            Command::Reopen(b) => reopen(ticket, b),
            Command::Reject(b) => reason_only(b.reason),
            Command::Refer(b) => refer(b),
            Command::Merge(b) => merge(c, ticket, caller, b),
            Command::Hold(b) => hold(c, ticket, caller, b),
            Command::Resume => resume(c, ticket),
        }
    }
}

/// Does `command` to ticket `id` for `caller`, if the ticket is still at `version` (when
/// given). Gives the updated ticket.
pub async fn act(
    state: &AppState,
    caller: AuthUser,
    id: String,
    version: Option<i32>,
    command: Command,
) -> Result<TicketDetails, ServiceError> {
    let action = command.action();
    let (ticket, ()) = perform(state, caller, id, version, action, move |c, t, u| {
        command.change(c, t, u).map(|change| (change, ()))
    })
    .await?;
    Ok(ticket)
}

fn route(c: &mut DbConnection, caller: &AuthUser, b: RouteTicket) -> Result<Change, ServiceError> {
    let note = optional_text("note", b.note, 2000)?;
    let agency = agency::find(c, &caller.jurisdiction_id, &b.agency_id.db())?
        .ok_or_else(|| ServiceError::invalid("agency_id", "there is no agency with this id"))?;
    let data = json!({"agency_id": agency.id, "agency_code": agency.code, "note": note});
    let changes = TicketChanges {
        agency_id: Some(Some(agency.id)),
        division_id: Some(None),
        assignee_id: Some(None),
        ..Default::default()
    };
    Ok(Change { changes, data })
}

fn give_back(ticket: &Ticket, b: ReturnTicket) -> Result<Change, ServiceError> {
    let reason = required_text("reason", b.reason, 2000)?;
    let data = json!({"reason": reason, "agency_id": ticket.agency_id});
    let changes = TicketChanges {
        agency_id: Some(None),
        division_id: Some(None),
        assignee_id: Some(None),
        ..Default::default()
    };
    Ok(Change { changes, data })
}

fn assign(
    c: &mut DbConnection,
    ticket: &Ticket,
    caller: &AuthUser,
    b: AssignTicket,
) -> Result<Change, ServiceError> {
    let jur = &caller.jurisdiction_id;
    let division = division::find(c, jur, &b.division_id.db())?
        .filter(|d| Some(&d.agency_id) == ticket.agency_id.as_ref())
        .ok_or_else(|| {
            ServiceError::invalid("division_id", "is not a division of the ticket's agency")
        })?;
    let assignee = match b.assignee_id {
        Some(u) => Some(
            user::find(c, jur, &u.db())?
                .filter(|u| {
                    u.active
                        && (u.division_id.as_ref() == Some(&division.id)
                            || u.agency_id.as_ref() == Some(&division.agency_id))
                })
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "assignee_id",
                        "is not an active user of the ticket's agency",
                    )
                })?
                .id,
        ),
        None => None,
    };
    let data = json!({"division_id": division.id, "division_code": division.code, "assignee_id": assignee});
    let changes = TicketChanges {
        division_id: Some(Some(division.id)),
        assignee_id: Some(assignee),
        ..Default::default()
    };
    Ok(Change { changes, data })
}

fn note_only(note: Option<String>) -> Result<Change, ServiceError> {
    let note = optional_text("note", note, 2000)?;
    Ok(Change::data(json!({"note": note})))
}

fn reason_only(reason: Option<String>) -> Result<Change, ServiceError> {
    let reason = required_text("reason", reason, 2000)?;
    Ok(Change::data(json!({"reason": reason})))
}

fn resolve(
    c: &mut DbConnection,
    ticket: &Ticket,
    b: ResolveTicket,
) -> Result<Change, ServiceError> {
    let summary = required_text("summary", b.summary, 5000)?;
    let no_visit_reason = optional_text("no_visit_reason", b.no_visit_reason, 2000)?;
    let visits = field_visit::count_for_ticket(c, &ticket.id)?;
    if visits == 0 && no_visit_reason.is_none() {
        return Err(ServiceError::invalid(
            "no_visit_reason",
            "record a field visit first, or say why none was needed",
        ));
    }
    let data =
        json!({"summary": summary, "no_visit_reason": no_visit_reason, "field_visits": visits});
    let changes = TicketChanges {
        resolution: Some(Some(summary)),
        ..Default::default()
    };
    Ok(Change { changes, data })
}

/// The reply must be an http(s) link, on the source comment's platform for social channels.
fn check_reply_url(ticket: &Ticket, raw: Option<String>) -> Result<String, ServiceError> {
    let channel = Channel::parse(&ticket.platform).unwrap_or(Channel::Other);
    let raw = raw
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| ServiceError::invalid("reply_url", "must not be blank"))?;
    let url = check_http_url(&raw).map_err(|m| ServiceError::invalid("reply_url", m))?;
    if let Some(platform) = channel.social() {
        if !url.host_str().is_some_and(|h| platform.owns_host(h)) {
            return Err(ServiceError::invalid(
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

fn close(ticket: &Ticket, b: CloseTicket) -> Result<Change, ServiceError> {
    let reply_url = check_reply_url(ticket, b.reply_url)?;
    let data = json!({"reply_url": reply_url});
    let changes = TicketChanges {
        reply_url: Some(Some(reply_url)),
        ..Default::default()
    };
    Ok(Change { changes, data })
}

fn reply(ticket: &Ticket, b: ReplyToTicket) -> Result<Change, ServiceError> {
    let reply_url = check_reply_url(ticket, b.reply_url)?;
    let note = optional_text("note", b.note, 2000)?;
    Ok(Change::data(json!({"reply_url": reply_url, "note": note})))
}

fn reopen(ticket: &Ticket, b: ReopenTicket) -> Result<Change, ServiceError> {
    let reason = required_text("reason", b.reason, 2000)?;
    let data =
        json!({"reason": reason, "reply_url": ticket.reply_url, "resolution": ticket.resolution});
    let changes = TicketChanges {
        reply_url: Some(None),
        resolution: Some(None),
        ..Default::default()
    };
    Ok(Change { changes, data })
}

fn refer(b: ReferTicket) -> Result<Change, ServiceError> {
    let to = required_text("to", b.to, 200)?;
    let note = optional_text("note", b.note, 2000)?;
    Ok(Change::data(json!({"to": to, "note": note})))
}

fn merge(
    c: &mut DbConnection,
    ticket: &Ticket,
    caller: &AuthUser,
    b: MergeTicket,
) -> Result<Change, ServiceError> {
    let into = ticket::find(c, &caller.jurisdiction_id, &b.into.db())?
        .ok_or_else(|| ServiceError::invalid("into", "there is no ticket with this id"))?;
    if into.id == ticket.id {
        return Err(ServiceError::invalid(
            "into",
            "a ticket cannot be merged into itself",
        ));
    }
    if !into.status().is_open() {
        return Err(ServiceError::invalid(
            "into",
            format!(
                "ticket {} is {}; merge into an open ticket",
                into.code, into.status
            ),
        ));
    }
    Ok(Change::data(
        json!({"into": into.id, "into_code": into.code}),
    ))
}

fn hold(
    c: &mut DbConnection,
    ticket: &Ticket,
    caller: &AuthUser,
    b: HoldTicket,
) -> Result<Change, ServiceError> {
    let reason = required_text("reason", b.reason, 2000)?;
    hold::insert(
        c,
        &Hold {
            ticket_id: ticket.id.clone(),
            jurisdiction_id: ticket.jurisdiction_id.clone(),
            held_at: crate::db::now(),
            held_by: caller.id.clone(),
            reason: reason.clone(),
        },
    )?;
    Ok(Change::data(json!({"reason": reason})))
}

fn resume(c: &mut DbConnection, ticket: &Ticket) -> Result<Change, ServiceError> {
    let held = hold::find(c, &ticket.id)?;
    hold::delete(c, &ticket.id)?;
    let since = held.map(|h| h.held_at.and_utc());
    Ok(Change::data(json!({ "held_since": since })))
}
