use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, Datelike, FixedOffset};
use serde::Deserialize;
use utoipa::ToSchema;

use super::act::data_text;
use super::{actor, clean_text, shape, view, Extras, Location, TicketView};
use crate::api::validate::Checks;
use crate::auth::AuthUser;
use crate::db::models::event::Event;
use crate::db::models::ticket::{self, Ticket};
use crate::db::models::{category, region};
use crate::db::DbConnection;
use crate::domain::lifecycle::{self, Action, Status};
use crate::domain::reference::normalise_handle;
use crate::domain::source::{self, CanonicalUrl, Channel};
use crate::error::{ApiError, Problem};
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

/// The checked parts of a filing that need no database.
pub(crate) struct Checked {
    url: Option<CanonicalUrl>,
    post_url: Option<String>,
    account: Option<String>,
    author: Option<String>,
    text: String,
    title: String,
    description: Option<String>,
    address: Option<String>,
}

pub(crate) fn check(input: &FileTicket) -> Result<Checked, ApiError> {
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
    Ok(Checked {
        title: title.unwrap_or_else(|| default_title(&text)),
        url,
        post_url,
        account,
        author,
        text,
        description,
        address,
    })
}

pub(crate) enum Filed {
    New(Box<TicketView>),
    Existing(Box<TicketView>),
}

/// File a complaint (pic, coordinator, admin).
///
/// The same comment filed again — by anyone, with its URL copied in any form — answers 200
/// with the existing ticket and writes nothing.
#[utoipa::path(tag = "tickets", request_body = FileTicket, security(("bearer" = [])), responses(
    (status = 201, description = "Filed", body = TicketView, headers(("Location" = String))),
    (status = 200, description = "This comment was filed already: the existing ticket", body = TicketView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/tickets")]
pub async fn file_ticket(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<FileTicket>,
) -> Result<HttpResponse, ApiError> {
    if !lifecycle::may_file(&actor(&caller)) {
        return Err(ApiError::forbidden(format!(
            "a {} may not file tickets",
            caller.role.as_str()
        )));
    }
    let input = body.into_inner();
    let checked = check(&input)?;
    let key = source::comment_key(
        input.source.platform,
        checked.url.as_ref(),
        checked.author.as_deref(),
        &checked.text,
    );
    let who = caller.clone();
    let lookup_key = key.clone();
    let filed = state
        .db
        .write(move |c| {
            file(c, &who, input, checked, key, Default::default(), |_, _| {
                Ok(())
            })
        })
        .await;
    let filed = match filed {
        Err(ApiError::Conflict {
            code: "duplicate_comment",
            ..
        }) => {
            // Another request filed the same comment in the same instant: answer with its ticket.
            let key = lookup_key.unwrap_or_default();
            state
                .db
                .read(move |c| {
                    let t = ticket::find_by_comment_key(c, &caller.jurisdiction_id, &key)?
                        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("duplicate vanished")))?;
                    Ok::<_, ApiError>(Filed::Existing(Box::new(view(c, &caller, t)?)))
                })
                .await?
        }
        other => other?,
    };
    if let Filed::New(_) = &filed {
        state.outbox.notify_one();
    }
    Ok(match filed {
        Filed::New(v) => HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/tickets/{}", v.id)))
            .insert_header((header::ETAG, format!("\"{}\"", v.version)))
            .json(v),
        Filed::Existing(v) => HttpResponse::Ok()
            .insert_header((header::LOCATION, format!("/api/v1/tickets/{}", v.id)))
            .insert_header((header::ETAG, format!("\"{}\"", v.version)))
            .json(v),
    })
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

/// Files a checked complaint in the caller's transaction: answers with the ticket of the same
/// comment when there is one; otherwise writes the ticket, its filing event (with
/// `event_data` added to the event's data), its clocks, and whatever `after` writes with it.
pub(crate) fn file(
    c: &mut DbConnection,
    caller: &AuthUser,
    input: FileTicket,
    checked: Checked,
    key: Option<String>,
    event_data: serde_json::Map<String, serde_json::Value>,
    after: impl FnOnce(&mut DbConnection, &Ticket) -> Result<(), ApiError>,
) -> Result<Filed, ApiError> {
    let jur = &caller.jurisdiction_id;
    if let Some(key) = &key {
        // Usually there is none: ask for the id only, and load the ticket when there is one.
        if let Some(id) = ticket::id_by_comment_key(c, jur, key)? {
            let existing = ticket::find(c, jur, &id)?
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("ticket {id} vanished")))?;
            return Ok(Filed::Existing(Box::new(view(c, caller, existing)?)));
        }
    }
    let mut checks = Checks::new();
    let category = lookup(&mut checks, "category", input.category.as_deref(), |code| {
        category::find_by_code(c, jur, code)
    })?;
    let place = lookup(&mut checks, "region", input.region.as_deref(), |code| {
        region::find_by_code(c, jur, code)
    })?;
    checks.finish()?;

    let now = crate::db::now();
    let year = now.and_utc().with_timezone(&caller.timezone()).year();
    let number = ticket::next_code_number(c, jur, year)?;
    let id = crate::db::new_id_at(now);
    let row = Ticket {
        code: format!(
            "{}-{:02}-{number:06}",
            caller.jurisdiction.short_code,
            year % 100
        ),
        comment_key: key
            .unwrap_or_else(|| format!("{}:ticket:{id}", input.source.platform.as_str())),
        id,
        jurisdiction_id: jur.clone(),
        status: Status::New.as_str().to_string(),
        title: checked.title,
        description: checked.description,
        suggested_agency_id: category.as_ref().and_then(|c| c.default_agency_id.clone()),
        category_id: category.as_ref().map(|c| c.id.clone()),
        region_id: place.as_ref().map(|r| r.id.clone()),
        lat: input.location.map(|l| l.lat),
        lng: input.location.map(|l| l.long),
        address: checked.address,
        agency_id: None,
        division_id: None,
        assignee_id: None,
        platform: input.source.platform.as_str().to_string(),
        comment_url: checked.url.map(|u| u.url),
        post_url: checked.post_url,
        account: checked.account,
        author: checked.author,
        commented_at: input.source.commented_at.map(|t| t.naive_utc()),
        comment_text: checked.text,
        anonymous: input.anonymous,
        confidential: input.confidential,
        reply_url: None,
        resolution: None,
        filed_by: caller.id.clone(),
        version: 1,
        created_at: now,
        updated_at: now,
        next_due_at: None,
    };
    let plan = crate::clocks::plan(
        c,
        &caller.jurisdiction,
        &row.id,
        row.category_id.as_deref(),
        Action::File,
        now,
    )?;
    let mut row = row;
    row.next_due_at = plan.next_due();
    ticket::insert(c, &row).map_err(|e| {
        ApiError::unique_as_conflict(e, "duplicate_comment", "this comment was filed already")
    })?;
    after(c, &row)?;
    let mut data = serde_json::json!({
        "channel": row.platform,
        "comment_key": row.comment_key,
        "code": row.code,
    });
    if let Some(map) = data.as_object_mut() {
        map.extend(event_data);
    }
    crate::journal::record(
        c,
        &caller.jurisdiction,
        None,
        &row,
        Action::File,
        &Event {
            ticket_id: row.id.clone(),
            seq: 1,
            jurisdiction_id: jur.clone(),
            action: Action::File.as_str().to_string(),
            actor_id: Some(caller.id.clone()),
            at: now,
            from_status: None,
            to_status: Status::New.as_str().to_string(),
            data: data_text(data),
        },
        &plan,
    )?;
    let clocks = plan
        .runs
        .iter()
        .map(|r| crate::clocks::row_of(&row, r))
        .collect();
    Ok(Filed::New(Box::new(shape(
        caller,
        row,
        category.map(|c| c.code),
        place.map(|r| r.code),
        Extras { clocks, hold: None },
    ))))
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
