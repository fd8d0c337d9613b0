//! Official social-media accounts of the regent and the agencies: `/api/v1/accounts`.

mod create_account;
mod get_account;
mod list_accounts;
mod update_account;

use serde::Serialize;
use utoipa::ToSchema;

pub use create_account::CreateAccount;
pub use list_accounts::ListAccountsQuery;
pub use update_account::UpdateAccount;

use crate::db::models::{account::Account, agency};
use crate::db::DbConnection;
use crate::domain::reference::{check_http_url, SocialPlatform};
use crate::error::ServiceError;

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    #[schema(format = Uuid)]
    pub id: String,
    pub platform: SocialPlatform,
    /// Without the `@`.
    #[schema(example = "diskominfo.subang")]
    pub handle: String,
    #[schema(example = "https://www.instagram.com/diskominfo.subang/")]
    pub url: String,
    /// The agency that runs the account; null for the regent's own accounts.
    #[schema(format = Uuid)]
    pub agency_id: Option<String>,
    /// An account of the regent or vice-regent (the leadership).
    pub leadership: bool,
    /// The handle is a stand-in until the real one is confirmed.
    pub placeholder: bool,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            platform: SocialPlatform::parse(&a.platform).unwrap_or(SocialPlatform::Instagram),
            id: a.id,
            handle: a.handle,
            url: a.url,
            agency_id: a.agency_id,
            leadership: a.leadership,
            placeholder: a.placeholder,
        }
    }
}

/// The account's URL must be an http(s) address on its platform.
pub fn check_account_url(platform: SocialPlatform, raw: &str) -> Result<String, String> {
    let u = check_http_url(raw).map_err(str::to_string)?;
    if !u.host_str().is_some_and(|h| platform.owns_host(h)) {
        return Err(format!("must be an address on {}", platform.domains()[0]));
    }
    Ok(u.to_string())
}

pub fn check_agency(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    agency_id: Option<&str>,
) -> Result<(), ServiceError> {
    match agency_id {
        Some(id) if agency::find(conn, jurisdiction_id, id)?.is_none() => {
            Err(ServiceError::invalid("agency_id", "no agency with this id"))
        }
        _ => Ok(()),
    }
}

pub fn duplicate_handle(e: diesel::result::Error, platform: &str, handle: &str) -> ServiceError {
    ServiceError::unique_as_conflict(
        e,
        "duplicate_account",
        format!("the {platform} account '{handle}' is registered already"),
    )
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_accounts::list_accounts)
        .service(create_account::create_account)
        .service(get_account::get_account)
        .service(update_account::update_account);
}
