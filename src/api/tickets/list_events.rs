use actix_web::{get, web, web::Json};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::pagination::Paged;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::event;
use crate::domain::lifecycle::{Action, Status};
use crate::domain::policy::Role;
use crate::error::ServiceError;
use crate::ids::TicketId;
use crate::service::tickets::load_visible;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ActorView {
    #[schema(format = Uuid)]
    pub id: String,
    pub username: String,
    pub role: Role,
}

/// One entry of a ticket's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// 1 for filing, then one more per action (equal to the ticket's version afterwards).
    pub seq: i32,
    pub action: Action,
    pub at: DateTime<Utc>,
    /// Who acted; null for what aduan itself did (`sla_breached`, `withdraw`).
    pub actor: Option<ActorView>,
    pub from_status: Option<Status>,
    pub to_status: Status,
    /// The action's data: reason, target agency, division, reply URL…
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// A ticket's timeline, oldest first (all of it: one page, `next_cursor` is null).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("id" = TicketId, Path)), responses(
    (status = 200, body = Paged<EventView>),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/tickets/{id}/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<TicketId>,
) -> Result<Json<Paged<EventView>>, ApiError> {
    let id = id.into_inner().db();
    let rows = state
        .db
        .read(move |c| {
            let t = load_visible(c, &caller, &id)?;
            Ok::<_, ServiceError>(event::list_for_ticket(c, &t.id)?)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(e, who)| EventView {
            seq: e.seq,
            action: Action::parse(&e.action).unwrap_or(Action::File),
            at: e.at.and_utc(),
            actor: match (e.actor_id, who) {
                (Some(id), Some((username, role))) => Some(ActorView {
                    id,
                    username,
                    role: Role::parse(&role).unwrap_or(Role::Admin),
                }),
                _ => None,
            },
            from_status: e.from_status.as_deref().and_then(Status::parse),
            to_status: Status::parse(&e.to_status).unwrap_or(Status::New),
            data: serde_json::from_str(&e.data).unwrap_or_default(),
        })
        .collect();
    Ok(Json(Paged {
        items,
        next_cursor: None,
    }))
}
