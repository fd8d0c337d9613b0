//! Planner analytics: `/api/v1/analytics` — aggregates only, never a ticket's personal data.
//! Computed from the raw tables; CSV with stable columns on each (`format=csv`).

mod backlog;
pub mod export;
mod hotspots;
mod planning;
mod routing;
mod sla;
mod trends;

pub use crate::service::analytics::trends::{TrendRow, TrendsView};
pub use trends::TrendsQuery;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(trends::trends)
        .service(backlog::backlog)
        .service(sla::sla)
        .service(hotspots::hotspots)
        .service(routing::routing)
        .service(planning::planning);
}
