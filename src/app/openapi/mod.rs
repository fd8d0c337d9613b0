//! The OpenAPI document's frame (info, tags, security scheme). Paths and schemas are collected
//! from the handlers by utoipa-actix-web in `server::openapi_document`; `complete` adds what
//! the frame around the handlers can answer.

mod complete;
mod links;
pub mod surface;

/// The operations of a path item, as the document names them.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub use complete::complete;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::analytics::export::ExportFormat;
use crate::api::problem::Problem;
use crate::error::FieldError;
use crate::ids::{
    AccountId, AgencyId, AttachmentId, CategoryId, DivisionId, RegionId, TicketId, UserId,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "aduan",
        description = "Tracks a public complaint (aduan) from the social-media comment where it \
was found to its resolution in the field and the public reply that closes it.\n\n\
Sign in with `POST /api/v1/auth/token` and send the token as `Authorization: Bearer <token>`. \
Every error is `application/problem+json` (RFC 9457) with a stable `code`. Lists answer \
`{items, next_cursor}`; pass `next_cursor` back as `cursor` for the next page.\n\n\
An Open311 GeoReport v2 endpoint (XML and JSON) is served at `/open311/v2/` (discovery at \
`/open311/v2/discovery.json`); it is described in the README, not here.",
        license(name = "AGPL-3.0-or-later"),
    ),
    tags(
        (name = "sign-in and users", description = "Tokens, the signed-in user, user administration"),
        (name = "reference data", description = "Agencies (OPD), divisions, categories, regions, official accounts"),
        (name = "tickets", description = "Complaints: filing, lists, actions through the lifecycle, timeline, field visits"),
        (name = "evidence", description = "Photos and documents of field visits"),
        (name = "calendar", description = "Working week, holidays (national, cuti bersama, local) and due times"),
        (name = "sla", description = "Deadline targets: the jurisdiction's default and per-category overrides"),
        (name = "webhooks", description = "Signed notifications of ticket events, with retries and a delivery log"),
        (name = "api keys", description = "Keys for external clients: Open311 GeoReport v2 apps file requests at /open311/v2/ with one (see the README)"),
        (name = "duties", description = "PIC duties: patrol check-ins per slot and the activity log (reposts, own content)"),
        (name = "analytics", description = "Aggregates for planners and leaders (no personal data)"),
        (name = "recaps", description = "The bi-weekly recap of every agency's and PIC's work, scored and ranked"),
        (name = "public", description = "A ticket's public status by tracking code, without sign-in"),
        (name = "operations", description = "Liveness and readiness"),
    ),
    components(schemas(
        Problem, FieldError, UserId, AgencyId, DivisionId, CategoryId, RegionId, AccountId,
        TicketId, AttachmentId, ExportFormat
    )),
    modifiers(&BearerScheme),
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A token from POST /api/v1/auth/token"))
                    .build(),
            ),
        );
    }
}
