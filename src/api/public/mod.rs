//! What anyone may see without signing in: `/api/v1/public/tickets/{code}`.

mod get_public_ticket;

pub use crate::service::public::{Milestone, PublicTicketView};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_public_ticket::get_public_ticket);
}
