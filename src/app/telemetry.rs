//! Logging: `tracing` with `RUST_LOG` (default `info`) and text or JSON lines.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Query parameters whose values never reach a log line.
const SECRET_PARAMS: &[&str] = &[
    "api_key",
    "key",
    "token",
    "access_token",
    "password",
    "secret",
];

/// A request target with the values of secret parameters (`api_key`, `token`, …) masked.
pub fn masked_target(target: &str) -> std::borrow::Cow<'_, str> {
    let Some((path, query)) = target.split_once('?') else {
        return target.into();
    };
    let secret = |pair: &str| {
        let name = pair.split_once('=').map_or(pair, |(n, _)| n);
        let name = url::form_urlencoded::parse(name.as_bytes())
            .next()
            .map(|(n, _)| n.to_ascii_lowercase())
            .unwrap_or_default();
        SECRET_PARAMS.contains(&name.as_str())
    };
    if !query.split('&').any(secret) {
        return target.into();
    }
    let masked: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if secret(pair) => format!("{name}=***"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", masked.join("&")).into()
}

/// The span of every request, and one `answered` line when it ends: method, route, target
/// (secrets masked), client address (behind trusted proxies only), status.
pub struct RequestSpans;

impl tracing_actix_web::RootSpanBuilder for RequestSpans {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        let target = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("");
        let client = crate::api::extract::ClientAddr::of(request.request()).0;
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %request.match_pattern().unwrap_or_else(|| "default".into()),
            http.target = %masked_target(target),
            http.client_ip = %client.map(|c| c.to_string()).unwrap_or_default(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span.clone(), outcome);
        tracing::info!(parent: &span, status, "answered");
    }
}

#[cfg(test)]
mod tests {
    use super::masked_target;

    #[test]
    fn secret_parameters_are_masked() {
        assert_eq!(
            masked_target("/open311/v2/requests.json?api_key=aduan_s3cret&service_code=jalan"),
            "/open311/v2/requests.json?api_key=***&service_code=jalan"
        );
        assert_eq!(
            masked_target("/x?Token=abc&API%5Fkey=d"),
            "/x?Token=***&API%5Fkey=***"
        );
        assert_eq!(
            masked_target("/x?service_code=jalan"),
            "/x?service_code=jalan"
        );
        assert_eq!(masked_target("/healthz"), "/healthz");
    }
}
