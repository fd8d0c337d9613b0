use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ActivityKind, ActivityView};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::account;
use crate::db::models::activity::{self, Activity};
use crate::domain::policy::Permission;
use crate::domain::reference::check_http_url;
use crate::domain::source::{canonicalise, Channel};
use crate::error::optional_text;
use crate::error::ServiceError;
use crate::ids::AccountId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActivity {
    pub kind: ActivityKind,
    /// The post (on the account's platform).
    #[schema(example = "https://www.instagram.com/p/DMa1b2c3d4e/")]
    pub url: String,
    /// The official account it was posted from.
    pub account_id: AccountId,
    /// For a repost: the leadership's post.
    pub original_url: Option<String>,
    #[schema(value_type = String, format = DateTime, example = "2026-11-28T09:30:00+07:00")]
    pub posted_at: DateTime<FixedOffset>,
    pub title: Option<String>,
}

/// Record a repost or an own post (PIC). One record per post: the same URL again (in any of its
/// forms) answers 200 with the first record.
#[utoipa::path(tag = "duties", security(("bearer" = [])), request_body = CreateActivity, responses(
    (status = 201, body = ActivityView),
    (status = 200, description = "This post was recorded already", body = ActivityView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<CreateActivity>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RecordDuties)?;
    let agency_id = caller.agency_id.clone().ok_or_else(|| {
        ServiceError::forbidden("a PIC without an agency cannot record activities")
    })?;
    let b = body.into_inner();
    let posted = b.posted_at.to_utc();
    if posted > Utc::now() + chrono::Duration::minutes(1) {
        return Err(ServiceError::invalid("posted_at", "must not be in the future").into());
    }
    let title = optional_text("title", b.title, 200)?;
    let original_url = match b
        .original_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => Some(
            check_http_url(raw)
                .map_err(|m| ServiceError::invalid("original_url", m))?
                .to_string(),
        ),
        None => None,
    };
    let answer = state
        .db
        .write(move |c| {
            let jur = caller.jurisdiction_id.clone();
            let acc = account::find(c, &jur, &b.account_id.db())?.ok_or_else(|| {
                ServiceError::invalid(
                    "account_id",
                    "is not an official account of this jurisdiction",
                )
            })?;
            let channel = Channel::parse(&acc.platform).unwrap_or(Channel::Other);
            let url = canonicalise(channel, &b.url)
                .map_err(|m| ServiceError::invalid("url", m))?
                .url;
            let row = Activity {
                id: crate::db::new_id(),
                jurisdiction_id: jur,
                kind: b.kind.as_str().to_string(),
                url,
                account_id: acc.id,
                original_url,
                posted_at: posted.naive_utc(),
                title,
                recorded_by: caller.id.clone(),
                agency_id,
                created_at: crate::db::now(),
            };
            let (jur, url) = (row.jurisdiction_id.clone(), row.url.clone());
            let same = |c: &mut _| activity::find_by_url(c, &jur, &url);
            Ok::<_, ServiceError>(crate::db::insert_or_existing(
                c,
                row,
                same,
                activity::insert,
            )?)
        })
        .await?;
    let (created, row) = answer;
    let view = ActivityView::from(row);
    if created {
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/activities/{}", view.id)))
            .json(view))
    } else {
        Ok(HttpResponse::Ok().json(view))
    }
}
