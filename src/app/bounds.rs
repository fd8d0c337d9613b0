//! Bounds every request has, whatever its route: a declared body larger than anything aduan
//! accepts is refused (413) before a byte of it is read, and a request that takes longer than
//! `ADUAN_REQUEST_TIMEOUT_SECS` — a body sent a byte at a time, say — is answered 408 and its
//! connection freed. Refusals come in the front's own format (Open311's under `/open311/`).

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::api::ApiError;
use crate::error::ServiceError;
use crate::state::AppState;

fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The refusal `e`, as the front of `path` answers.
pub(crate) fn refusal(path: &str, e: ServiceError) -> HttpResponse {
    if path.starts_with(crate::open311::BASE) {
        crate::open311::refuse(path, e)
    } else {
        ApiError::from(e).error_response()
    }
}

pub async fn bound(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let max = state.settings.max_body();
    if let Some(length) = declared_length(req.request()).filter(|l| *l > max) {
        let e = ServiceError::PayloadTooLarge(format!(
            "the body has {length} bytes; at most {max} are accepted"
        ));
        let mut res = refusal(req.path(), e);
        // The body is not wanted: close rather than read it to keep the connection.
        res.head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
        return Ok(req.into_response(res));
    }
    // The request itself goes on to routing (which needs it unshared): keep its path only.
    let path = req.path().to_string();
    let limit = Duration::from_secs(state.settings.request_timeout_secs);
    match tokio::time::timeout(limit, next.call(req)).await {
        Ok(res) => Ok(res?.map_into_boxed_body()),
        Err(_) => {
            let e = ServiceError::TimedOut(format!(
                "the request took longer than {} s; send it again",
                limit.as_secs()
            ));
            let mut res = refusal(&path, e);
            // The connection may hold the rest of a slow body: do not keep it.
            res.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            Err(actix_web::error::InternalError::from_response("request timeout", res).into())
        }
    }
}
