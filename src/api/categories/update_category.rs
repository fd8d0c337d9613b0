use crate::api::extract::Body;
use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    check_default_agency, clean_description, clean_keywords, questions_json, CategoryView,
};

use crate::api::problem::Problem;
use crate::api::validate::{double_option, trimmed};
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::category::{self, keywords_json, CategoryChanges};
use crate::domain::policy::Permission;
use crate::domain::questions::Question;
use crate::domain::reference::{check_code, check_name};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::{AgencyId, CategoryId};
use crate::state::AppState;

/// Fields to change; `null` clears `group` or `default_agency_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategory {
    #[schema(min_length = 1, pattern = r"\S")]
    pub code: Option<String>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub group: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub default_agency_id: Option<Option<AgencyId>>,
    pub keywords: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub description: Option<Option<String>>,
    /// Replaces the whole list of extra questions.
    pub questions: Option<Vec<Question>>,
}

/// Edit a category (admin).
#[utoipa::path(tag = "reference data", request_body = UpdateCategory, security(("bearer" = [])),
    params(("id" = CategoryId, Path, description = "The category's id")),
    responses(
        (status = 200, body = CategoryView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/categories/{id}")]
pub async fn update_category(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<CategoryId>,
    body: Body<UpdateCategory>,
) -> Result<Json<CategoryView>, ApiError> {
    caller.require(Permission::ManageReferenceData)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    if let Some(code) = &input.code {
        checks.check("code", check_code(code));
    }
    if let Some(name) = &input.name {
        checks.check("name", check_name(name));
    }
    let group = input.group.map(trimmed);
    if let Some(Some(g)) = &group {
        checks.check("group", check_name(g));
    }
    let keywords = input
        .keywords
        .as_ref()
        .map(|k| keywords_json(&clean_keywords(&mut checks, k)));
    let description = input
        .description
        .clone()
        .map(|d| clean_description(&mut checks, d));
    let questions = input
        .questions
        .as_ref()
        .map(|q| questions_json(&mut checks, q));
    checks.finish()?;

    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .write(move |c| {
            let default_agency_id = input.default_agency_id.map(|a| a.map(|a| a.db()));
            if let Some(agency) = &default_agency_id {
                check_default_agency(c, &jur, agency.as_deref())?;
            }
            let changes = CategoryChanges {
                code: input.code.clone(),
                name: input.name.map(|n| n.trim().to_string()),
                group_name: group,
                default_agency_id,
                keywords,
                updated_at: Some(crate::db::now()),
                description,
                questions,
            };
            let n = category::update(c, &jur, &id, &changes).map_err(|e| {
                ServiceError::duplicate_code(e, input.code.as_deref().unwrap_or_default())
            })?;
            if n == 0 {
                return Err(ServiceError::not_found("no category with this id"));
            }
            category::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no category with this id"))
        })
        .await?;
    Ok(Json(row.into()))
}
