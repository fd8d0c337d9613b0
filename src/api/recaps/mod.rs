//! Recaps: `/api/v1/recaps` — the regent's bi-weekly recap of every agency's and PIC's work.
//! So far the live preview; frozen snapshots follow (issue 5).

mod preview;

pub use preview::RecapQuery;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(preview::preview);
}
