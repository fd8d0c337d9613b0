//! `GET /api/v1/audit`: the audit log of admin actions (admin).

use actix_web::{get, web, web::Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::pagination::{self, Paged};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::audit::{self, AuditEntry, AuditQuery};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

/// One admin action.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    #[schema(format = Uuid)]
    pub id: String,
    /// Who acted.
    #[schema(format = Uuid)]
    pub actor_id: Option<String>,
    /// `user.create`, `user.update`, `user.end_sessions`, `webhook.create`, `webhook.update`,
    /// `webhook.delete`, `api_key.create`, `api_key.revoke`, `sla.put`, `sla.delete`,
    /// `calendar.update`, `holiday.create`, `holiday.delete`, `holiday.import`,
    /// `recap_weights.update`, `patrol_slots.update`.
    #[schema(example = "user.update")]
    pub action: String,
    #[schema(example = "user")]
    pub target_type: String,
    pub target_id: Option<String>,
    /// The target before the change (secrets shown as `***`).
    pub before: Option<serde_json::Value>,
    /// The target after the change.
    pub after: Option<serde_json::Value>,
    /// The client's address (behind trusted proxies only).
    pub client_ip: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        let json = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
        AuditView {
            id: e.id,
            actor_id: e.actor_id,
            action: e.action,
            target_type: e.target_type,
            target_id: e.target_id,
            before: json(e.before),
            after: json(e.after),
            client_ip: e.client_ip,
            at: e.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// An action (`user.update`) or a family ending in a dot (`user.`).
    pub action: Option<String>,
    pub actor_id: Option<uuid::Uuid>,
    /// `user`, `webhook`, `api_key`, `sla_policy`, `calendar`, `holiday`, `recap_weights`,
    /// `patrol_slots`.
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// At or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Before this time.
    pub until: Option<DateTime<Utc>>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The audit log, newest first (admin).
#[utoipa::path(tag = "sign-in and users", security(("bearer" = [])), params(AuditParams), responses(
    (status = 200, body = Paged<AuditView>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<AuditParams>,
) -> Result<Json<Paged<AuditView>>, ApiError> {
    caller.require(Permission::ReadAudit)?;
    let q = query.into_inner();
    let (limit, before) = pagination::params(q.limit, q.cursor.as_deref())?;
    let text = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let filters = AuditQuery {
        action: text(q.action),
        actor_id: q.actor_id.map(|id| id.to_string()),
        target_type: text(q.target_type),
        target_id: text(q.target_id),
        since: q.since.map(|t| t.naive_utc()),
        until: q.until.map(|t| t.naive_utc()),
    };
    let jur = caller.jurisdiction_id.clone();
    let page = state
        .db
        .read(move |c| {
            audit::list(c, &jur, &filters, before.as_deref(), limit).map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, AuditView::from)))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit);
}
