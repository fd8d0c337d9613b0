//! The JSON API: one folder per resource, one handler per action. A handler extracts the
//! request (the signed-in user, path, query, body), calls a service (or, for plain reference
//! data, one `db` call with the policy asked first), and shapes the answer as a view; errors are
//! answered as problem+json (`problem`).

pub mod accounts;
pub mod activities;
pub mod agencies;
pub mod analytics;
pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod categories;
pub mod divisions;
pub mod extract;
pub mod jurisdiction;
pub mod me;
pub mod ops;
pub mod pagination;
pub mod patrols;
pub mod problem;
pub mod public;
pub mod recaps;
pub mod regions;
pub mod sla;
pub mod tickets;
pub mod users;
pub mod validate;
pub mod webhooks;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub use problem::ApiError;

/// The route table.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(ops::configure)
        .service(scope::scope("/api/v1").configure(|v1| {
            auth::configure(v1);
            me::configure(v1);
            users::configure(v1);
            audit::configure(v1);
            jurisdiction::configure(v1);
            calendar::configure(v1);
            agencies::configure(v1);
            divisions::configure(v1);
            categories::configure(v1);
            regions::configure(v1);
            accounts::configure(v1);
            tickets::configure(v1);
            attachments::configure(v1);
            sla::configure(v1);
            webhooks::configure(v1);
            api_keys::configure(v1);
            patrols::configure(v1);
            activities::configure(v1);
            analytics::configure(v1);
            recaps::configure(v1);
            public::configure(v1);
        }));
}
