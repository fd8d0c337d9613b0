//! `GET servicerequestupdates.{xml,json}` (mySociety's extension): the changes of state of
//! public requests in a date range, oldest first, with the extension's extended statuses
//! (`action_scheduled`, `in_progress`, `fixed`, `duplicate`, …) and aduan's own status as
//! `external_status_code`.

use actix_web::{web, HttpRequest, HttpResponse};

use super::{format_of, read, w3c, Fault, Node};
use crate::db::models::open311_request as store;
use crate::domain::lifecycle::{Action, Status};
use crate::domain::open311::{self as rules, NoteFacts};
use crate::domain::privacy::mask_opt;
use crate::state::AppState;

pub async fn list_updates(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
) -> HttpResponse {
    let format = format_of(&format, "updates");
    read(
        &state,
        &req,
        format,
        "service_request_updates",
        |c, jur, params| {
            let zone = jur.tz();
            let mut problems = Vec::new();
            let span = params.span(&zone, &mut problems);
            if !problems.is_empty() {
                return Err(Fault::all(problems));
            }
            let actions: Vec<&str> = rules::published_actions()
                .iter()
                .map(|a| a.as_str())
                .collect();
            let rows = store::public_updates(
                c,
                &jur.id,
                &actions,
                span.from.naive_utc(),
                (span.to + chrono::Duration::microseconds(1)).naive_utc(),
                span.offset,
                span.limit,
            )?;
            let agencies = store::agency_names(c, &jur.id)?;
            let items = rows
                .into_iter()
                .filter_map(|(e, code)| {
                    let action = Action::parse(&e.action)?;
                    let status = Status::parse(&e.to_status)?;
                    let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
                    let text = |key: &str| data.get(key).and_then(|v| v.as_str());
                    let referred_to = mask_opt(text("to"));
                    let facts = NoteFacts {
                        agency: text("agency_id")
                            .and_then(|a| agencies.get(a))
                            .map(String::as_str),
                        referred_to: referred_to.as_deref(),
                        merged_into: text("into_code"),
                        withdrawn: action == Action::Withdraw,
                        on_hold: false,
                    };
                    let mut description = rules::status_notes(status, &facts);
                    if let Some(url) = text("reply_url").filter(|_| action == Action::Close) {
                        description.push_str(&format!(": {url}"));
                    }
                    Some(Node::Record(vec![
                        ("update_id", Node::text(format!("{code}.{}", e.seq))),
                        ("service_request_id", Node::text(code)),
                        ("status", Node::text(rules::update_status(action)?)),
                        ("updated_datetime", Node::text(w3c(e.at, zone))),
                        ("description", Node::text(description)),
                        ("media_url", Node::Text(None)),
                        ("external_status_code", Node::text(status.as_str())),
                    ]))
                })
                .collect();
            Ok(Node::list("request_update", items))
        },
    )
    .await
}
