use actix_web::{get, web, web::Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::UserView;
use crate::api::pagination::{self, Paged};
use crate::api::problem::Problem;
use crate::api::validate::trimmed;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::user::{self, UserFilter};
use crate::domain::policy::{Permission, Role};
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    pub role: Option<Role>,
    pub agency_id: Option<AgencyId>,
    pub active: Option<bool>,
    /// Text in the username or display name.
    pub q: Option<String>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List users by username (admin).
#[utoipa::path(tag = "sign-in and users", security(("bearer" = [])), params(ListUsersQuery), responses(
    (status = 200, body = Paged<UserView>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ListUsersQuery>,
) -> Result<Json<Paged<UserView>>, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let filter = UserFilter {
        role: q.role.map(|r| r.as_str().to_string()),
        agency_id: q.agency_id.map(|a| a.db()),
        active: q.active,
        q: trimmed(q.q),
    };
    let jur = caller.jurisdiction_id.clone();
    let page = state
        .db
        .read(move |c| {
            user::list(c, &jur, &filter, after.as_deref(), limit).map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, UserView::from)))
}
