//! Complaint categories, each with the agency whose duties (tupoksi) cover it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{contains_pattern, lower, Page};
use crate::db::schema::categories;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: String,
    pub jurisdiction_id: String,
    pub code: String,
    pub name: String,
    pub group_name: Option<String>,
    pub default_agency_id: Option<String>,
    /// A JSON array of strings.
    pub keywords: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// What the category covers, for the public (Open311's service `description`).
    pub description: Option<String>,
    /// A JSON array of [`Question`](crate::domain::questions::Question)s.
    pub questions: String,
}

impl Category {
    pub fn question_list(&self) -> Vec<crate::domain::questions::Question> {
        crate::domain::questions::parse_stored(&self.questions)
    }

    pub fn keyword_list(&self) -> Vec<String> {
        serde_json::from_str(&self.keywords).unwrap_or_default()
    }
}

pub fn keywords_json(keywords: &[String]) -> String {
    serde_json::Value::from(keywords.to_vec()).to_string()
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub group_name: Option<Option<String>>,
    pub default_agency_id: Option<Option<String>>,
    pub keywords: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
    pub description: Option<Option<String>>,
    pub questions: Option<String>,
}

#[derive(Debug, Default)]
pub struct CategoryFilter {
    pub group: Option<String>,
    pub default_agency_id: Option<String>,
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    filter: &CategoryFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Page<Category>> {
    let mut q = categories::table
        .filter(categories::jurisdiction_id.eq(jurisdiction_id))
        .select(Category::as_select())
        .into_boxed();
    if let Some(group) = &filter.group {
        q = q.filter(categories::group_name.eq(group.clone()));
    }
    if let Some(agency) = &filter.default_agency_id {
        q = q.filter(categories::default_agency_id.eq(agency.clone()));
    }
    if let Some(text) = &filter.q {
        let p = contains_pattern(text);
        q = q.filter(
            lower(categories::name)
                .like(p.clone())
                .escape('\\')
                .or(categories::code.like(p.clone()).escape('\\'))
                .or(lower(categories::keywords).like(p).escape('\\')),
        );
    }
    if let Some(after) = after {
        q = q.filter(categories::code.gt(after.to_string()));
    }
    let rows = q
        .order(categories::code.asc())
        .limit(limit + 1)
        .load(conn)?;
    Ok(Page::from_rows(rows, limit, |c| c.code.clone()))
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Category>> {
    categories::table
        .filter(categories::jurisdiction_id.eq(jurisdiction_id))
        .filter(categories::id.eq(id))
        .select(Category::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_code(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    code: &str,
) -> QueryResult<Option<Category>> {
    categories::table
        .filter(categories::jurisdiction_id.eq(jurisdiction_id))
        .filter(categories::code.eq(code))
        .select(Category::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, row: &Category) -> QueryResult<()> {
    diesel::insert_into(categories::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
    changes: &CategoryChanges,
) -> QueryResult<usize> {
    diesel::update(
        categories::table
            .filter(categories::jurisdiction_id.eq(jurisdiction_id))
            .filter(categories::id.eq(id)),
    )
    .set(changes)
    .execute(conn)
}

/// Every category of a jurisdiction, by code (Open311's service list).
pub fn all(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Vec<Category>> {
    categories::table
        .filter(categories::jurisdiction_id.eq(jurisdiction_id))
        .order(categories::code.asc())
        .select(Category::as_select())
        .load(conn)
}

/// Codes of the given category ids (for showing a ticket's category).
pub fn codes_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let pairs: Vec<(String, String)> = categories::table
        .filter(categories::id.eq_any(ids))
        .select((categories::id, categories::code))
        .load(conn)?;
    Ok(pairs.into_iter().collect())
}
