use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{check_account_url, check_agency, duplicate_handle, AccountView};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::account::{self, Account};
use crate::domain::policy::Permission;
use crate::domain::reference::{normalise_handle, SocialPlatform};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    pub platform: SocialPlatform,
    /// With or without the `@`.
    #[schema(example = "diskominfo.subang")]
    pub handle: String,
    #[schema(example = "https://www.instagram.com/diskominfo.subang/")]
    pub url: String,
    pub agency_id: Option<AgencyId>,
    #[serde(default)]
    pub leadership: bool,
    #[serde(default)]
    pub placeholder: bool,
}

/// Register an official account (admin).
#[utoipa::path(tag = "reference data", request_body = CreateAccount, security(("bearer" = [])), responses(
    (status = 201, body = AccountView),
    (status = 409, description = "The account is registered already", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: Body<CreateAccount>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageReferenceData)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    let handle = checks.check("handle", normalise_handle(&input.handle));
    let url = checks.check("url", check_account_url(input.platform, &input.url));
    checks.finish()?;

    let jur = caller.jurisdiction_id.clone();
    let row = state
        .db
        .write(move |c| {
            let agency_id = input.agency_id.map(|a| a.db());
            check_agency(c, &jur, agency_id.as_deref())?;
            let now = crate::db::now();
            let row = Account {
                id: crate::db::new_id(),
                jurisdiction_id: jur,
                platform: input.platform.as_str().to_string(),
                handle: handle.unwrap_or_default(),
                url: url.unwrap_or_default(),
                agency_id,
                leadership: input.leadership,
                placeholder: input.placeholder,
                created_at: now,
                updated_at: now,
            };
            account::insert(c, &row)
                .map_err(|e| duplicate_handle(e, &row.platform, &row.handle))?;
            Ok::<_, ServiceError>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/accounts/{}", row.id)))
        .json(AccountView::from(row)))
}
