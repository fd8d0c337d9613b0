//! Filing a complaint: the input checked, the same comment answered with its ticket, and
//! otherwise the ticket written with its tracking code, clocks and filing event (and, through
//! the journal, its projections and webhook deliveries) in one transaction.

use chrono::{DateTime, Datelike, FixedOffset};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::details::{details_of, TicketDetails};
use crate::auth::AuthUser;
use crate::db::models::attachment;
use crate::db::models::event::Event;
use crate::db::models::ticket::{self, Ticket};
use crate::db::models::{category, region};
use crate::db::DbConnection;
use crate::domain::lifecycle::{self, Action, Status};
use crate::domain::location::Location;
use crate::domain::reference::normalise_handle;
use crate::domain::source::{self, CanonicalUrl, Channel};
use crate::error::{clean_text, Checks, ServiceError};
use crate::ids::AttachmentId;
use crate::service::{clocks, journal, uploads};
use crate::state::AppState;

/// The comment (or message) a complaint was found in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    pub platform: Channel,
    /// Required for the social platforms; copied in any form (the key is canonical).
    #[schema(example = "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890123456/")]
    pub comment_url: Option<String>,
    #[schema(example = "https://www.instagram.com/p/DLq3abcXYZ1/")]
    pub post_url: Option<String>,
    /// Handle of the official account the comment was on.
    #[schema(example = "kangrey.subang")]
    pub account: Option<String>,
    /// The commenter's handle or name.
    #[schema(example = "warga_jalancagak")]
    pub author: Option<String>,
    pub commented_at: Option<DateTime<FixedOffset>>,
    #[schema(example = "Pak, jalan di Desa Curugrendeng rusak parah, mohon diperbaiki")]
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileTicket {
    pub source: SourceInput,
    /// Defaults to the start of the comment text.
    #[schema(example = "Jalan rusak di Curugrendeng")]
    pub title: Option<String>,
    pub description: Option<String>,
    /// Category code; suggests the agency.
    #[schema(example = "jalan")]
    pub category: Option<String>,
    /// Region code (kecamatan or desa).
    #[schema(example = "jalancagak")]
    pub region: Option<String>,
    pub location: Option<Location>,
    #[schema(example = "Jl. Raya Curugrendeng, Jalancagak")]
    pub address: Option<String>,
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub confidential: bool,
    /// Photos or screenshots of the comment, uploaded by the caller with
    /// `POST /api/v1/attachments` (at most 20).
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

/// The title when none is given: the first line of the text, cut at a word near 80 characters.
fn default_title(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    if line.chars().count() <= 80 {
        return line.to_string();
    }
    let cut: String = line.chars().take(80).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{}…", cut.trim_end())
}

/// A filing whose fields are checked (everything that needs no database), with the key of its
/// comment: one comment, one ticket.
pub struct Filing {
    input: FileTicket,
    url: Option<CanonicalUrl>,
    post_url: Option<String>,
    account: Option<String>,
    author: Option<String>,
    text: String,
    title: String,
    description: Option<String>,
    address: Option<String>,
    /// `None` for a channel without comments (a walk-in), which is never a repeat.
    pub key: Option<String>,
    /// Added to the data of the filing event.
    pub event_data: Map<String, Value>,
    /// How long after its ticket was closed a complaint known only by author and text (no
    /// comment URL of its own) may come again as a new one.
    pub repeat_after: chrono::Duration,
    /// The key is a fingerprint of author and text, not the comment's own id.
    fingerprinted: bool,
}

/// Checks every field of `input`; one refusal names them all.
pub fn check(input: FileTicket) -> Result<Filing, ServiceError> {
    let s = &input.source;
    let mut checks = Checks::new();
    let text = checks.check(
        "source.text",
        clean_text(Some(s.text.clone()), 5000)
            .and_then(|t| t.ok_or_else(|| "must not be blank".to_string())),
    );
    let url = match (&s.comment_url, s.platform.social()) {
        (Some(raw), _) => checks.check("source.comment_url", source::canonicalise(s.platform, raw)),
        (None, Some(p)) => {
            checks.fail(
                "source.comment_url",
                format!("is required for {}", p.as_str()),
            );
            None
        }
        (None, None) => None,
    };
    let post_url = match &s.post_url {
        Some(raw) => checks
            .check("source.post_url", source::canonicalise(s.platform, raw))
            .map(|c| c.url),
        None => None,
    };
    let account = match s
        .account
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(a) => checks.check("source.account", normalise_handle(a)),
        None => None,
    };
    let author = checks
        .check("source.author", clean_text(s.author.clone(), 100))
        .flatten();
    if let Some(t) = s.commented_at {
        if t.to_utc() > chrono::Utc::now() + chrono::Duration::minutes(10) {
            checks.fail("source.commented_at", "is in the future");
        }
    }
    let title = checks
        .check("title", clean_text(input.title.clone(), 200))
        .flatten();
    let description = checks
        .check("description", clean_text(input.description.clone(), 5000))
        .flatten();
    let address = checks
        .check("address", clean_text(input.address.clone(), 500))
        .flatten();
    if let Some(loc) = &input.location {
        checks.check("location", loc.check());
    }
    checks.finish()?;
    let text = text.unwrap_or_default();
    let key = source::comment_key(s.platform, url.as_ref(), author.as_deref(), &text);
    let fingerprinted = !matches!(
        url.as_ref().map(|u| &u.located),
        Some(source::Located::Comment(_))
    );
    Ok(Filing {
        repeat_after: chrono::Duration::days(30),
        fingerprinted,
        title: title.unwrap_or_else(|| default_title(&text)),
        url,
        post_url,
        account,
        author,
        text,
        description,
        address,
        key,
        event_data: Map::new(),
        input,
    })
}

impl Filing {
    /// Is this a new complaint, though `earlier` has its key? Only for a complaint known by
    /// author and text, when `earlier` was closed (its last change) `repeat_after` ago or more.
    fn comes_again_after(&self, earlier: &Ticket) -> bool {
        let closed_since = crate::db::now() - earlier.updated_at;
        self.fingerprinted && !earlier.status().is_open() && closed_since >= self.repeat_after
    }
}

/// What a filing gave: a new ticket, or the one of the same comment filed before — in full
/// when the caller may see it, otherwise only its receipt.
pub enum Filed {
    New(Box<TicketDetails>),
    Existing(Box<TicketDetails>),
    Receipt(Receipt),
}

/// What a repeat filing tells a caller who may not see the ticket: that it exists, its public
/// tracking code and its status — what anyone can read on the public page.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub code: String,
    pub status: Status,
}

impl Filed {
    /// The tracking code of the ticket, whatever the answer.
    pub fn code(&self) -> &str {
        match self {
            Filed::New(d) | Filed::Existing(d) => &d.ticket.code,
            Filed::Receipt(r) => &r.code,
        }
    }
}

/// The answer to a repeat filing of `t`: the ticket when `caller` may see it, otherwise a
/// receipt, so that re-filing a comment URL never reveals another agency's ticket.
fn repeat(c: &mut DbConnection, caller: &AuthUser, t: Ticket) -> Result<Filed, ServiceError> {
    if lifecycle::can_see(&caller.actor(), &t.facts(false)) {
        return Ok(Filed::Existing(Box::new(details_of(c, t)?)));
    }
    Ok(Filed::Receipt(Receipt {
        status: t.status(),
        code: t.code,
    }))
}

/// 403 unless the caller's role may file tickets.
pub fn require_filer(caller: &AuthUser) -> Result<(), ServiceError> {
    if lifecycle::may_file(&caller.actor()) {
        Ok(())
    } else {
        Err(ServiceError::forbidden(format!(
            "a {} may not file tickets",
            caller.role.as_str()
        )))
    }
}

/// File a complaint (pic, coordinator, admin). The same comment filed again — by anyone, with
/// its URL copied in any form — gives the existing ticket and writes nothing.
pub async fn file(
    state: &AppState,
    caller: &AuthUser,
    input: FileTicket,
) -> Result<Filed, ServiceError> {
    require_filer(caller)?;
    let mut filing = check(input)?;
    filing.repeat_after = state.settings.repeat_after();
    let key = filing.key.clone();
    let who = caller.clone();
    let viewer = caller.clone();
    let filed = once(
        state,
        caller,
        key,
        move |c| file_in(c, &who, filing, |_, _| Ok(())),
        move |c, t| repeat(c, &viewer, t),
    )
    .await?;
    if let Filed::New(_) = &filed {
        state.outbox.notify_one();
    }
    Ok(filed)
}

/// Runs a filing transaction, `write`. When another request filed the same comment (`key`) in
/// the same instant, the database refuses the second ticket (`duplicate_comment`); the answer
/// is then `existing` of the ticket the other request filed.
pub async fn once<T, W, E>(
    state: &AppState,
    caller: &AuthUser,
    key: Option<String>,
    write: W,
    existing: E,
) -> Result<T, ServiceError>
where
    T: Send + 'static,
    W: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
    E: FnOnce(&mut DbConnection, Ticket) -> Result<T, ServiceError> + Send + 'static,
{
    match state.db.write(write).await {
        Err(ServiceError::Conflict {
            code: "duplicate_comment",
            ..
        }) => {
            let key = key.unwrap_or_default();
            let jur = caller.jurisdiction_id.clone();
            state
                .db
                .read(move |c| {
                    let t = ticket::find_by_comment_key(c, &jur, &key)?.ok_or_else(|| {
                        ServiceError::internal(anyhow::anyhow!("duplicate vanished"))
                    })?;
                    existing(c, t)
                })
                .await
        }
        other => other,
    }
}

/// Looks a reference code up, recording "there is no …" when it is unknown.
fn lookup<T>(
    checks: &mut Checks,
    field: &str,
    code: Option<&str>,
    find: impl FnOnce(&str) -> diesel::QueryResult<Option<T>>,
) -> diesel::QueryResult<Option<T>> {
    let Some(code) = code.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let found = find(code)?;
    if found.is_none() {
        checks.fail(field, format!("there is no {field} '{code}'"));
    }
    Ok(found)
}

/// Files a checked complaint in the caller's transaction: gives the ticket of the same comment
/// when there is one; otherwise writes the ticket, its filing event, its clocks, and whatever
/// `after` writes with it (a front's own rows, such as Open311's request).
pub fn file_in(
    c: &mut DbConnection,
    caller: &AuthUser,
    filing: Filing,
    after: impl FnOnce(&mut DbConnection, &Ticket) -> Result<(), ServiceError>,
) -> Result<Filed, ServiceError> {
    let jur = &caller.jurisdiction_id;
    if let Some(key) = &filing.key {
        // Usually there is none: ask for the id only, and load the ticket when there is one.
        if let Some(id) = ticket::id_by_comment_key(c, jur, key)? {
            let existing = ticket::find(c, jur, &id)?
                .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("ticket {id} vanished")))?;
            if !filing.comes_again_after(&existing) {
                return repeat(c, caller, existing);
            }
            // The same words long after the earlier ticket was closed: a new complaint. The
            // earlier ticket gives up the key (keeping it, marked with its code).
            ticket::retire_comment_key(c, &existing.id, &format!("{key}~{}", existing.code))?;
        }
    }
    let mut checks = Checks::new();
    let category = lookup(
        &mut checks,
        "category",
        filing.input.category.as_deref(),
        |code| category::find_by_code(c, jur, code),
    )?;
    let place = lookup(
        &mut checks,
        "region",
        filing.input.region.as_deref(),
        |code| region::find_by_code(c, jur, code),
    )?;
    checks.finish()?;
    let files = uploads::own_files(c, caller, &filing.input.attachment_ids)?;

    let now = crate::db::now();
    let mut row = new_row(c, caller, &filing, now)?;
    row.suggested_agency_id = category.as_ref().and_then(|c| c.default_agency_id.clone());
    row.category_id = category.as_ref().map(|c| c.id.clone());
    row.region_id = place.as_ref().map(|r| r.id.clone());
    let plan = clocks::plan(
        c,
        &caller.jurisdiction,
        &row.id,
        row.category_id.as_deref(),
        Action::File,
        now,
    )?;
    row.next_due_at = plan.next_due();
    ticket::insert(c, &row).map_err(|e| {
        ServiceError::unique_as_conflict(e, "duplicate_comment", "this comment was filed already")
    })?;
    attachment::link_to_ticket(c, &row.id, &files)?;
    after(c, &row)?;
    let event = filing_event(caller, &row, filing.event_data);
    journal::record(
        c,
        &caller.jurisdiction,
        None,
        &row,
        Action::File,
        &event,
        &plan,
    )?;
    let clocks = plan.runs.iter().map(|r| clocks::row_of(&row, r)).collect();
    Ok(Filed::New(Box::new(TicketDetails {
        ticket: row,
        category: category.map(|c| c.code),
        region: place.map(|r| r.code),
        clocks,
        hold: None,
        files,
    })))
}

/// The new ticket's row, with its tracking code counted in this transaction (category, region
/// and due time are the caller's to fill in).
fn new_row(
    c: &mut DbConnection,
    caller: &AuthUser,
    filing: &Filing,
    now: chrono::NaiveDateTime,
) -> Result<Ticket, ServiceError> {
    let jur = &caller.jurisdiction;
    let year = now.and_utc().with_timezone(&caller.timezone()).year();
    let number = ticket::next_code_number(c, &jur.id, year)?;
    let id = crate::db::new_id_at(now);
    let input = &filing.input;
    Ok(Ticket {
        code: format!("{}-{:02}-{number:06}", jur.short_code, year % 100),
        comment_key: filing
            .key
            .clone()
            .unwrap_or_else(|| format!("{}:ticket:{id}", input.source.platform.as_str())),
        id,
        jurisdiction_id: jur.id.clone(),
        status: Status::New.as_str().to_string(),
        title: filing.title.clone(),
        description: filing.description.clone(),
        suggested_agency_id: None,
        category_id: None,
        region_id: None,
        lat: input.location.map(|l| l.lat),
        lng: input.location.map(|l| l.long),
        address: filing.address.clone(),
        agency_id: None,
        division_id: None,
        assignee_id: None,
        platform: input.source.platform.as_str().to_string(),
        comment_url: filing.url.as_ref().map(|u| u.url.clone()),
        post_url: filing.post_url.clone(),
        account: filing.account.clone(),
        author: filing.author.clone(),
        commented_at: input.source.commented_at.map(|t| t.naive_utc()),
        comment_text: filing.text.clone(),
        anonymous: input.anonymous,
        confidential: input.confidential,
        reply_url: None,
        resolution: None,
        filed_by: caller.id.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
        next_due_at: None,
    })
}

/// The `file` event of a new ticket: its channel, comment key and code, and `extra`.
fn filing_event(caller: &AuthUser, row: &Ticket, extra: Map<String, Value>) -> Event {
    let mut data = serde_json::json!({
        "channel": row.platform,
        "comment_key": row.comment_key,
        "code": row.code,
    });
    if let Some(map) = data.as_object_mut() {
        map.extend(extra);
    }
    Event {
        ticket_id: row.id.clone(),
        seq: 1,
        jurisdiction_id: row.jurisdiction_id.clone(),
        action: Action::File.as_str().to_string(),
        actor_id: Some(caller.id.clone()),
        at: row.created_at,
        from_status: None,
        to_status: Status::New.as_str().to_string(),
        data: journal::data_text(data),
    }
}

/// A comment filed before, as the filing form tells a PIC at once: its tracking code and
/// status, and whether the PIC may open it (a receipt otherwise, as for a repeat filing).
pub struct Known {
    pub code: String,
    pub status: Status,
    pub visible: bool,
}

/// The ticket already filed for the comment at the pasted address `raw`, if the address names
/// a comment of its own (a post's address needs the author and text as well: filing tells).
pub fn already_filed(
    c: &mut DbConnection,
    caller: &AuthUser,
    raw: &str,
) -> Result<Option<Known>, ServiceError> {
    let Some((_, url)) = source::recognise(raw) else {
        return Ok(None);
    };
    let source::Located::Comment(key) = &url.located else {
        return Ok(None);
    };
    Ok(
        ticket::find_by_comment_key(c, &caller.jurisdiction_id, key)?.map(|t| Known {
            visible: lifecycle::can_see(&caller.actor(), &t.facts(false)),
            code: t.code.clone(),
            status: t.status(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_default_to_the_text() {
        assert_eq!(default_title("Jalan rusak\nsudah lama"), "Jalan rusak");
        let long = "kata ".repeat(40);
        let t = default_title(&long);
        assert!(t.chars().count() <= 81 && t.ends_with('…'), "{t}");
    }
}
