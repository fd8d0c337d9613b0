//! What anyone may see without signing in: a complaint's public status by its tracking code —
//! no names, no handles, personal data masked, nothing of a confidential complaint and nothing
//! of an anonymous complainant's own words. The JSON API and the public page both show this.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::{agency, category, event, jurisdiction, ticket};
use crate::db::DbConnection;
use crate::domain::lifecycle::Status;
use crate::domain::privacy::mask;
use crate::error::ServiceError;

#[derive(Debug, Serialize, ToSchema)]
pub struct Milestone {
    pub status: Status,
    pub at: DateTime<Utc>,
}

/// A ticket's public status: no names, no handles, personal data masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicTicketView {
    #[schema(example = "SBG-25-000123")]
    pub code: String,
    pub status: Status,
    /// With phone numbers, NIK and e-mail addresses masked; null for anonymous tickets (whose
    /// title may be the start of the complainant's own words).
    pub title: Option<String>,
    /// Category name.
    #[schema(example = "Jalan dan jembatan")]
    pub category: Option<String>,
    /// Name of the agency handling it.
    pub agency: Option<String>,
    /// The comment's text, masked; null for anonymous tickets.
    pub text: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reply_url: Option<String>,
    /// Every change of status, oldest first.
    pub milestones: Vec<Milestone>,
    /// The jurisdiction's name and time zone (for a page's words, not part of the JSON).
    #[serde(skip)]
    pub jurisdiction: String,
    #[serde(skip)]
    pub time_zone: chrono_tz::Tz,
}

/// The public status of the complaint with tracking code `code` (any case); confidential
/// complaints and unknown codes are not found alike.
pub fn status(c: &mut DbConnection, code: &str) -> Result<PublicTicketView, ServiceError> {
    let code = code.trim().to_ascii_uppercase();
    let hidden = || ServiceError::not_found("there is no public ticket with this code");
    if code.len() > 40 {
        return Err(hidden());
    }
    let t = ticket::find_by_code_anywhere(c, &code)?
        .filter(|t| !t.confidential)
        .ok_or_else(hidden)?;
    let category = match &t.category_id {
        Some(id) => category::find(c, &t.jurisdiction_id, id)?.map(|c| c.name),
        None => None,
    };
    let agency = match &t.agency_id {
        Some(id) => agency::find(c, &t.jurisdiction_id, id)?.map(|a| a.name),
        None => None,
    };
    let place = jurisdiction::find(c, &t.jurisdiction_id)?;
    let milestones = event::milestones(c, &t.id)?
        .into_iter()
        .filter_map(|(s, at)| {
            Some(Milestone {
                status: Status::parse(&s)?,
                at: at.and_utc(),
            })
        })
        .collect();
    Ok(PublicTicketView {
        code: t.code,
        status: Status::parse(&t.status).unwrap_or(Status::New),
        title: (!t.anonymous).then(|| mask(&t.title).into_owned()),
        category,
        agency,
        text: (!t.anonymous).then(|| mask(&t.comment_text).into_owned()),
        created_at: t.created_at.and_utc(),
        updated_at: t.updated_at.and_utc(),
        reply_url: t.reply_url,
        milestones,
        time_zone: place.tz(),
        jurisdiction: place.name,
    })
}
