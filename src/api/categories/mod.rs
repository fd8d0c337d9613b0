//! Complaint categories and the agency whose tupoksi covers each: `/api/v1/categories`.

mod create_category;
mod get_category;
mod list_categories;
mod update_category;

use serde::Serialize;
use utoipa::ToSchema;

pub use create_category::CreateCategory;
pub use list_categories::ListCategoriesQuery;
pub use update_category::UpdateCategory;

use crate::db::models::{agency, category::Category};
use crate::db::DbConnection;
use crate::domain::questions::{check_questions, Question};
use crate::error::Checks;
use crate::error::ServiceError;

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "jalan")]
    pub code: String,
    #[schema(example = "Jalan rusak")]
    pub name: String,
    #[schema(example = "Infrastruktur")]
    pub group: Option<String>,
    /// The agency a ticket of this category is suggested to (the tupoksi route).
    #[schema(format = Uuid)]
    pub default_agency_id: Option<String>,
    #[schema(example = json!(["jalan", "berlubang", "aspal"]))]
    pub keywords: Vec<String>,
    /// What the category covers, for the public (Open311's service description).
    #[schema(example = "Jalan kabupaten berlubang, retak atau amblas")]
    pub description: Option<String>,
    /// Extra questions asked when a ticket is filed through Open311 (its service attributes).
    pub questions: Vec<Question>,
}

impl From<Category> for CategoryView {
    fn from(c: Category) -> Self {
        CategoryView {
            keywords: c.keyword_list(),
            questions: c.question_list(),
            description: c.description,
            id: c.id,
            code: c.code,
            name: c.name,
            group: c.group_name,
            default_agency_id: c.default_agency_id,
        }
    }
}

/// Keywords: at most 50, each 1 to 60 characters; kept lowercase, trimmed, without repeats.
pub fn clean_keywords(checks: &mut Checks, keywords: &[String]) -> Vec<String> {
    if keywords.len() > 50 {
        checks.fail("keywords", "at most 50 keywords");
    }
    let mut out: Vec<String> = Vec::new();
    for k in keywords {
        let k = k.trim().to_lowercase();
        if k.is_empty() || k.chars().count() > 60 {
            checks.fail("keywords", "each keyword must have 1 to 60 characters");
            break;
        }
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// A description: at most 2,000 characters; blank clears it.
pub fn clean_description(checks: &mut Checks, description: Option<String>) -> Option<String> {
    let d = description
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())?;
    if d.chars().count() > 2000 {
        checks.fail("description", "must have at most 2000 characters");
    }
    Some(d)
}

/// The questions, checked field by field, as the JSON to store.
pub fn questions_json(checks: &mut Checks, questions: &[Question]) -> String {
    for (field, message) in check_questions(questions) {
        checks.fail(&field, message);
    }
    serde_json::to_string(questions).unwrap_or_else(|_| "[]".to_string())
}

/// The default agency must be one of the jurisdiction's.
pub fn check_default_agency(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    agency_id: Option<&str>,
) -> Result<(), ServiceError> {
    match agency_id {
        Some(id) if agency::find(conn, jurisdiction_id, id)?.is_none() => Err(
            ServiceError::invalid("default_agency_id", "no agency with this id"),
        ),
        _ => Ok(()),
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_categories::list_categories)
        .service(create_category::create_category)
        .service(get_category::get_category)
        .service(update_category::update_category);
}
