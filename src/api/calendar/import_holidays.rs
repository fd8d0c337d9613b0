use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::HolidayView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::holiday::{self, Holiday};
use crate::domain::calendar::{parse_ical, HolidayKind};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The kind of the imported days (default `local`); a summary that says "cuti bersama" is
    /// always `cuti_bersama`.
    pub kind: Option<HolidayKind>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// Days added.
    pub added: Vec<HolidayView>,
    /// Days already in the calendar with the same name (left as they were).
    pub skipped: usize,
}

/// Import holidays from an iCalendar file or feed (admin; body `text/calendar`). Every day of
/// every `VEVENT` becomes a holiday named by its `SUMMARY`; days already present are skipped,
/// so importing the same feed again adds nothing. All or nothing: a broken event adds no day.
#[utoipa::path(tag = "calendar", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, content_type = "text/calendar", description = "An iCalendar (RFC 5545) text"),
    responses(
        (status = 200, body = ImportReport),
        (status = 415, description = "The body is not `text/calendar`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a usable iCalendar text (`validation_failed`, field `body`)", body = Problem, content_type = "application/problem+json"),
))]
#[post("/calendar/holidays/import")]
pub async fn import_holidays(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCalendar)?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/calendar"))
    {
        return Err(ServiceError::unsupported_media_type(
            "send the iCalendar text with Content-Type: text/calendar",
        )
        .into());
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ServiceError::invalid("body", "is not UTF-8 text"))?;
    let days = parse_ical(
        text,
        caller.timezone(),
        query.kind.unwrap_or(HolidayKind::Local),
    )
    .map_err(|e| ServiceError::invalid("body", e))?;
    let jur = caller.jurisdiction_id.clone();
    let report = audit::write(&state, Who::of(&caller, from.0), move |c| {
        let mut added = Vec::new();
        let mut skipped = 0;
        let now = crate::db::now();
        for d in days {
            if holiday::exists(c, &jur, d.date, &d.name)? {
                skipped += 1;
                continue;
            }
            let row = Holiday {
                id: crate::db::new_id(),
                jurisdiction_id: jur.clone(),
                date: d.date,
                kind: d.kind.as_str().to_string(),
                name: d.name,
                source: "ical".to_string(),
                created_at: now,
            };
            holiday::insert(c, &row)?;
            added.push(HolidayView::from(row));
        }
        let change = Change {
            action: "holiday.import",
            target_type: "holiday",
            target_id: None,
            before: None,
            after: Some(serde_json::json!({"added": added.len(), "skipped": skipped})),
        };
        Ok((ImportReport { added, skipped }, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}
