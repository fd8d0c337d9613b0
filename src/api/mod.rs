//! The HTTP API: one folder per resource, one handler per action. Handlers extract and
//! validate, ask `domain` whether the caller may act, run one `db` call, and shape the answer.

pub mod accounts;
pub mod activities;
pub mod agencies;
pub mod analytics;
pub mod api_keys;
pub mod attachments;
pub mod auth;
pub mod calendar;
pub mod categories;
pub mod divisions;
pub mod jurisdiction;
pub mod me;
pub mod ops;
pub mod pagination;
pub mod patrols;
pub mod public;
pub mod recaps;
pub mod regions;
pub mod sla;
pub mod tickets;
pub mod users;
pub mod validate;
pub mod webhooks;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// The route table.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(ops::configure)
        .service(scope::scope("/api/v1").configure(|v1| {
            auth::configure(v1);
            me::configure(v1);
            users::configure(v1);
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
