use crate::api::extract::Body;
use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{check_account_url, check_agency, duplicate_handle, AccountView};
use crate::api::problem::Problem;
use crate::api::validate::double_option;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::account::{self, AccountChanges};
use crate::domain::policy::Permission;
use crate::domain::reference::{normalise_handle, SocialPlatform};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::{AccountId, AgencyId};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccount {
    pub platform: Option<SocialPlatform>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub handle: Option<String>,
    pub url: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub agency_id: Option<Option<AgencyId>>,
    pub leadership: Option<bool>,
    pub placeholder: Option<bool>,
}

/// Edit an official account (admin).
#[utoipa::path(tag = "reference data", request_body = UpdateAccount, security(("bearer" = [])),
    params(("id" = AccountId, Path, description = "The account's id")),
    responses(
        (status = 200, body = AccountView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/accounts/{id}")]
pub async fn update_account(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AccountId>,
    body: Body<UpdateAccount>,
) -> Result<Json<AccountView>, ApiError> {
    caller.require(Permission::ManageReferenceData)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    let handle = match &input.handle {
        Some(h) => checks.check("handle", normalise_handle(h)),
        None => None,
    };
    checks.finish()?;

    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .write(move |c| {
            let current = account::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no account with this id"))?;
            let platform = input
                .platform
                .or_else(|| SocialPlatform::parse(&current.platform))
                .unwrap_or(SocialPlatform::Instagram);
            // The URL is checked against the platform it will have after the change.
            let url = input.url.as_deref().unwrap_or(&current.url);
            let url =
                check_account_url(platform, url).map_err(|m| ServiceError::invalid("url", m))?;
            let agency_id = input.agency_id.map(|a| a.map(|a| a.db()));
            if let Some(agency) = &agency_id {
                check_agency(c, &jur, agency.as_deref())?;
            }
            let final_handle = handle.clone().unwrap_or(current.handle.clone());
            let changes = AccountChanges {
                platform: input.platform.map(|p| p.as_str().to_string()),
                handle,
                url: Some(url),
                agency_id,
                leadership: input.leadership,
                placeholder: input.placeholder,
                updated_at: Some(crate::db::now()),
            };
            account::update(c, &jur, &id, &changes)
                .map_err(|e| duplicate_handle(e, platform.as_str(), &final_handle))?;
            account::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no account with this id"))
        })
        .await?;
    Ok(Json(row.into()))
}
