use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    check_default_agency, clean_description, clean_keywords, questions_json, CategoryView,
};

use crate::api::problem::Problem;
use crate::api::validate::trimmed;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::category::{self, keywords_json, Category};
use crate::domain::policy::Permission;
use crate::domain::questions::Question;
use crate::domain::reference::{check_code, check_name};
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategory {
    #[schema(example = "jalan")]
    pub code: String,
    #[schema(example = "Jalan rusak")]
    pub name: String,
    #[schema(example = "Infrastruktur")]
    pub group: Option<String>,
    pub default_agency_id: Option<AgencyId>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub description: Option<String>,
    /// Extra questions (Open311 service attributes); none by default.
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// Create a category (admin).
#[utoipa::path(tag = "reference data", request_body = CreateCategory, security(("bearer" = [])), responses(
    (status = 201, body = CategoryView),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: Body<CreateCategory>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageReferenceData)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    checks.check("code", check_code(&input.code));
    checks.check("name", check_name(&input.name));
    let group = trimmed(input.group);
    if let Some(g) = &group {
        checks.check("group", check_name(g));
    }
    let keywords = clean_keywords(&mut checks, &input.keywords);
    let description = clean_description(&mut checks, input.description.clone());
    let questions = questions_json(&mut checks, &input.questions);
    checks.finish()?;

    let jur = caller.jurisdiction_id.clone();
    let row = state
        .db
        .write(move |c| {
            let default_agency_id = input.default_agency_id.map(|a| a.db());
            check_default_agency(c, &jur, default_agency_id.as_deref())?;
            let now = crate::db::now();
            let row = Category {
                id: crate::db::new_id(),
                jurisdiction_id: jur,
                code: input.code,
                name: input.name.trim().to_string(),
                group_name: group,
                default_agency_id,
                keywords: keywords_json(&keywords),
                created_at: now,
                updated_at: now,
                description,
                questions,
            };
            category::insert(c, &row).map_err(|e| ServiceError::duplicate_code(e, &row.code))?;
            Ok::<_, ServiceError>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/categories/{}", row.id)))
        .json(CategoryView::from(row)))
}
