use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::db::models::{agency, category, event, ticket};
use crate::domain::lifecycle::Status;
use crate::domain::privacy::mask;
use crate::error::ServiceError;
use crate::state::AppState;

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
}

/// A ticket's public status by its tracking code (no sign-in).
///
/// Confidential tickets and unknown codes answer 404 alike.
#[utoipa::path(tag = "public", params(("code" = String, Path, example = "SBG-25-000123")), responses(
    (status = 200, body = PublicTicketView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many requests from this address; see Retry-After", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
))]
#[get("/public/tickets/{code}")]
pub async fn get_public_ticket(
    state: web::Data<AppState>,
    from: ClientAddr,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    from.check(&state.limits.public_reads)?;
    let code = code.into_inner().trim().to_ascii_uppercase();
    let view = state
        .db
        .read(move |c| {
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
            let milestones = event::milestones(c, &t.id)?
                .into_iter()
                .filter_map(|(s, at)| {
                    Some(Milestone {
                        status: Status::parse(&s)?,
                        at: at.and_utc(),
                    })
                })
                .collect();
            Ok::<_, ServiceError>(PublicTicketView {
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
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(view))
}
