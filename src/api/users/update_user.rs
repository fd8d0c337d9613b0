use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::UserView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::validate::double_option;
use crate::api::ApiError;
use crate::auth::{password, AuthUser};
use crate::db::models::jurisdiction;
use crate::db::models::user::{self, UserChanges};
use crate::domain::policy::{Permission, Role};
use crate::domain::reference::check_name;
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::{AgencyId, DivisionId, UserId};
use crate::service::audit::{self, Change, Who};
use crate::service::users::resolve_scope;
use crate::state::AppState;

/// Fields to change; absent fields stay as they are, `null` clears agency or division.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "double_option")]
    pub agency_id: Option<Option<AgencyId>>,
    #[serde(default, deserialize_with = "double_option")]
    pub division_id: Option<Option<DivisionId>>,
    /// `false` deactivates the user: its tokens stop working at once.
    pub active: Option<bool>,
    /// A new password (at least 10 characters); the user's existing tokens stop working.
    pub password: Option<String>,
}

/// Edit a user (admin).
#[utoipa::path(tag = "sign-in and users", request_body = UpdateUser, security(("bearer" = [])),
    params(("id" = UserId, Path, description = "The user's id")),
    responses(
        (status = 200, body = UserView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The change would leave the jurisdiction without an active admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    id: web::Path<UserId>,
    body: web::Json<UpdateUser>,
) -> Result<Json<UserView>, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    if let Some(name) = &input.display_name {
        checks.check("display_name", check_name(name));
    }
    if let Some(pw) = &input.password {
        checks.check("password", password::check_strength(pw));
    }
    checks.finish()?;
    let new_hash = match input.password.clone() {
        Some(pw) => Some(
            tokio::task::spawn_blocking(move || password::hash(&pw))
                .await
                .map_err(ServiceError::internal)?
                .map_err(ServiceError::internal)?,
        ),
        None => None,
    };

    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let changed_password = new_hash.is_some();
    let row = audit::write(&state, Who::of(&caller, from.0), move |c| {
        // Two admins demoting each other at once must not both see the other one left.
        jurisdiction::lock(c, &jur)?;
        let current = user::find(c, &jur, &id)?
            .ok_or_else(|| ServiceError::not_found("no user with this id"))?;
        if Role::parse(&current.role).is_some_and(|r| !r.assignable()) {
            return Err(ServiceError::conflict(
                "managed_by_api_key",
                "this user stands for an API key; revoke the key at /api/v1/api-keys instead",
            ));
        }
        let role = input
            .role
            .or_else(|| Role::parse(&current.role))
            .unwrap_or(Role::Planner);
        let agency = match input.agency_id {
            Some(a) => a.map(|a| a.db()),
            None => current.agency_id.clone(),
        };
        let division = match input.division_id {
            Some(d) => d.map(|d| d.db()),
            None => current.division_id.clone(),
        };
        // Clearing the agency of a user with a division clears the division too.
        let division = match (&input.agency_id, &input.division_id) {
            (Some(None), None) => None,
            _ => division,
        };
        let (agency, division) = resolve_scope(c, &jur, role, agency, division)?;
        let active = input.active.unwrap_or(current.active);

        let was_admin = current.active && current.role == Role::Admin.as_str();
        let stays_admin = active && role == Role::Admin;
        if was_admin && !stays_admin && user::count_active_admins(c, &jur)? <= 1 {
            return Err(ServiceError::conflict(
                "last_admin",
                "this is the last active admin; make another admin first",
            ));
        }
        let revoke = new_hash.is_some() || (current.active && !active);
        let changes = UserChanges {
            display_name: input.display_name.map(|n| n.trim().to_string()),
            role: Some(role.as_str().to_string()),
            agency_id: Some(agency),
            division_id: Some(division),
            active: Some(active),
            password_hash: new_hash,
            token_version: revoke.then_some(current.token_version + 1),
            updated_at: Some(crate::db::now()),
        };
        user::update(c, &id, &changes)?;
        let row = user::find(c, &jur, &id)?
            .ok_or_else(|| ServiceError::not_found("no user with this id"))?;
        let mut change = Change::new("user.update", "user", &id)
            .before(&UserView::from(current))
            .after(&UserView::from(row.clone()));
        if let Some(after) = change.after.as_mut().and_then(|a| a.as_object_mut()) {
            after.insert("password_changed".into(), changed_password.into());
        }
        Ok((row, change))
    })
    .await?;
    Ok(Json(row.into()))
}
