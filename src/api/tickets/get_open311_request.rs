use std::collections::BTreeMap;

use actix_web::{get, web, web::Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::{api_key, open311_request};
use crate::domain::lifecycle;
use crate::domain::questions::Answer;
use crate::error::ServiceError;
use crate::ids::TicketId;
use crate::service::tickets::load_visible;
use crate::state::AppState;

/// What an Open311 request brought besides its ticket: for the staff who follow it up.
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311RequestView {
    /// The API key it came with.
    #[schema(format = Uuid)]
    pub api_key_id: String,
    pub api_key_name: String,
    /// The reporter's contact and identifiers (personal data).
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub address_id: Option<String>,
    pub media_url: Option<String>,
    /// The uploaded `media` file: `GET /api/v1/attachments/{id}`.
    #[schema(format = Uuid)]
    pub attachment_id: Option<String>,
    /// Answers to the category's questions (and any other `attribute[…]` the client sent).
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Answer>,
}

/// The Open311 request behind a ticket filed through `/open311/v2/` (users who see the ticket and
/// may see personal data). 404 for a ticket filed otherwise.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("id" = TicketId, Path)), responses(
    (status = 200, body = Open311RequestView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/tickets/{id}/open311")]
pub async fn get_open311_request(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
) -> Result<Json<Open311RequestView>, ApiError> {
    let id = id.into_inner().db();
    let none = || ServiceError::not_found("this ticket did not come through Open311");
    let (row, key) = state
        .db
        .read(move |c| {
            let t = load_visible(c, &caller, &id)?;
            if !lifecycle::sees_personal_data(caller.role) {
                return Err(none());
            }
            let row = open311_request::find(c, &caller.jurisdiction_id, &t.id)?.ok_or_else(none)?;
            let key = api_key::find(c, &caller.jurisdiction_id, &row.api_key_id)?;
            Ok::<_, ServiceError>((row, key))
        })
        .await?;
    Ok(Json(Open311RequestView {
        api_key_name: key.map(|k| k.name).unwrap_or_default(),
        api_key_id: row.api_key_id,
        email: row.email,
        first_name: row.first_name,
        last_name: row.last_name,
        phone: row.phone,
        device_id: row.device_id,
        account_id: row.account_id,
        address_id: row.address_id,
        media_url: row.media_url,
        attachment_id: row.attachment_id,
        answers: serde_json::from_str(&row.answers).unwrap_or_default(),
    }))
}
