use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{snapshot_of, RecapSnapshot};
use crate::api::extract::OptionalJson;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::service::recap;
use crate::state::AppState;

/// The period to freeze: both days or neither (then the current two-week period).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreezeRecap {
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-16")]
    pub from: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-29")]
    pub to: Option<NaiveDate>,
}

/// Freeze the recap of a period as published (leader, coordinator, admin): computed now with the
/// current weights and stored whole — figures, evidence ids, components, scores, ranks — so that
/// it reads the same forever, whatever happens to the tickets later. Freezing the same period
/// again makes another snapshot; each keeps its own numbers. The answer leaves the ids out
/// (`GET /recaps/{id}?evidence=true` has them).
#[utoipa::path(tag = "recaps", security(("bearer" = [])), request_body = Option<FreezeRecap>, responses(
    (status = 201, body = RecapSnapshot),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[post("/recaps")]
pub async fn freeze(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: OptionalJson<FreezeRecap>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::FreezeRecaps)?;
    let b = body.into_inner().unwrap_or_default();
    let p = recap::period(&caller, state.settings.recap_anchor, b.from, b.to)?;
    let tz = caller.timezone();
    let snapshot = state
        .db
        .write(move |c| {
            let row = recap::freeze(c, &caller, &p)?;
            snapshot_of(row, tz, false, None)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/recaps/{}", snapshot.summary.id),
        ))
        .json(snapshot))
}
