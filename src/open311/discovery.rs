//! `GET discovery.{xml,json}`: where the endpoint is, which specification and formats it serves.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::{answer, failure, Fault, Format, Node, BASE};
use crate::state::AppState;

/// When this facade last changed in a way clients may notice.
pub const CHANGESET: &str = "2026-11-28T00:00:00Z";
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

pub async fn discovery(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
) -> HttpResponse {
    let Some(format) = Format::parse(&format) else {
        return failure(
            Format::Xml,
            Fault::not_found("discovery is served as .xml or .json"),
        );
    };
    let info = req.connection_info();
    let url = format!("{}://{}{BASE}", info.scheme(), info.host());
    let node = Node::Record(vec![
        ("changeset", Node::text(CHANGESET)),
        (
            "contact",
            Node::text(state.settings.open311_contact.clone()),
        ),
        (
            "key_service",
            Node::text(
                "An API key is needed to POST requests; the administrators create one \
                 (POST /api/v1/api-keys) on request.",
            ),
        ),
        (
            "endpoints",
            Node::list(
                "endpoint",
                vec![Node::Record(vec![
                    ("specification", Node::text(SPECIFICATION)),
                    ("url", Node::text(url)),
                    ("changeset", Node::text(CHANGESET)),
                    ("type", Node::text("production")),
                    (
                        "formats",
                        Node::list(
                            "format",
                            vec![Node::text("text/xml"), Node::text("application/json")],
                        ),
                    ),
                ])],
            ),
        ),
    ]);
    answer(format, Ok((StatusCode::OK, "discovery", node)))
}
