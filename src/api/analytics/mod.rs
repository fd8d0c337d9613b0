//! Planner analytics: `/api/v1/analytics` — aggregates only, never a ticket's personal data.
//! (Issue 5: `trends` so far; backlog, SLA, hotspots and routing follow.)

mod trends;

pub use trends::{TrendRow, TrendsQuery, TrendsView};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(trends::trends);
}
