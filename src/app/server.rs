//! Assembling and running the HTTP application.

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::web::{self, JsonConfig, PathConfig, QueryConfig};
use actix_web::{App, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::problem::{json_error, no_route, path_error, problem_safety_net, query_error};
use crate::app::openapi::{complete, ApiDoc};
use crate::config::Settings;
use crate::state::AppState;

/// The whole OpenAPI document, as served at `/openapi.json` and committed in `openapi/`.
/// Collected and completed once per process.
pub fn openapi_document() -> serde_json::Value {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            let (_, api) = App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .configure(crate::api::configure)
                .split_for_parts();
            complete(api)
        })
        .clone()
}

/// The application: routes, docs, error shapes, request logging.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let json = JsonConfig::default()
        .limit(state.settings.max_json_bytes)
        .error_handler(json_error);
    let (app, _) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(web::Data::new(state))
        .app_data(json)
        .app_data(PathConfig::default().error_handler(path_error))
        .app_data(QueryConfig::default().error_handler(query_error))
        .configure(crate::api::configure)
        .split_for_parts();
    app.configure(crate::open311::configure)
        .configure(crate::pages::configure)
        .service(web::redirect("/docs", "/docs/"))
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .external_url_unchecked("/openapi.json", openapi_document()),
        )
        .default_service(web::to(no_route))
        .wrap(ErrorHandlers::new().default_handler(problem_safety_net))
        .wrap(from_fn(crate::app::idempotency::idempotent))
        .wrap(from_fn(crate::app::bounds::bound))
        .wrap(TracingLogger::<crate::app::telemetry::RequestSpans>::new())
}

/// `aduan serve`: [`serve`] on actix's runtime, until the server stops.
pub fn run(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(serve(settings))
}

/// Migrate, bootstrap, listen until SIGTERM/SIGINT (then finish open requests).
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let started = Instant::now();
    let state = crate::app::bootstrap::prepare(settings)?;
    let bind = state.settings.bind.clone();
    let workers = state.settings.workers;
    let server_state = state.clone();
    let mut server = HttpServer::new(move || build_app(server_state.clone()))
        .shutdown_timeout(30)
        // A client has 10 s to send a request's head and 2 s to close after the answer; an idle
        // kept-alive connection is closed after 30 s. (Bodies: app::bounds.)
        .client_request_timeout(Duration::from_secs(10))
        .client_disconnect_timeout(Duration::from_secs(2))
        .keep_alive(Duration::from_secs(30))
        .bind(&bind)
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    if let Some(n) = workers {
        server = server.workers(n);
    }
    for addr in server.addrs() {
        tracing::info!(
            listen = %format!("http://{addr}"),
            docs = %format!("http://{addr}/docs/"),
            database = state.db.backend().name(),
            ready_ms = started.elapsed().as_millis() as u64,
            "aduan is ready"
        );
    }
    // Background work: deadlines, webhook deliveries, housekeeping (safe in every instance).
    actix_web::rt::spawn(crate::jobs::escalation::run(state.clone()));
    actix_web::rt::spawn(crate::jobs::webhooks::run(state.clone()));
    actix_web::rt::spawn(crate::jobs::housekeeping::run(state.clone()));
    server.run().await?;
    tracing::info!("aduan stopped");
    Ok(())
}
