//! `GET requests.{xml,json}` (a list), `GET requests/{id}.{xml,json}` (a list of one) and
//! `GET tokens/{token}.{xml,json}` (always 404: every service is realtime). Only what is public:
//! confidential tickets are left out, texts are masked, no personal field is ever shown.

use std::collections::{HashMap, HashSet};

use actix_web::{web, HttpRequest, HttpResponse};

use super::{failure, format_of, read, split, w3c, Fault, Format, Node, Params};
use crate::db::models::category::{self, Category};
use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::open311_request::{self as store, RequestQuery};
use crate::db::models::ticket::Ticket;
use crate::db::models::{clock, hold};
use crate::db::DbConnection;
use crate::domain::lifecycle::Status;
use crate::domain::open311::{self as rules, NoteFacts};
use crate::domain::privacy::{mask_opt, public_address, public_coordinate};
use crate::domain::sla::Clock;
use crate::state::AppState;

/// Builds the `request` records of these tickets, in their order.
pub fn shape(
    c: &mut DbConnection,
    jur: &Jurisdiction,
    rows: &[Ticket],
) -> Result<Vec<Node>, Fault> {
    let zone = jur.tz();
    let ids: Vec<String> = rows.iter().map(|t| t.id.clone()).collect();
    let categories: HashMap<String, Category> = category::all(c, &jur.id)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let agencies = store::agency_names(c, &jur.id)?;
    let due: HashMap<String, chrono::NaiveDateTime> = clock::for_tickets(c, &ids)?
        .into_iter()
        .filter(|r| r.clock == Clock::Resolve.as_str())
        .map(|r| (r.ticket_id, r.due_at))
        .collect();
    let held: HashSet<String> = hold::for_tickets(c, &ids)?
        .into_iter()
        .map(|h| h.ticket_id)
        .collect();
    // The client's own media_url is public by its choice; uploaded files stay with the staff.
    let media: HashMap<String, String> = store::media_urls(c, &ids)?
        .into_iter()
        .filter_map(|(t, url)| Some((t, url?)))
        .collect();
    // Why a closed ticket is closed: the data of its refer, merge or withdraw event.
    let ended: Vec<String> = rows
        .iter()
        .filter(|t| !Status::parse(&t.status).is_some_and(Status::is_open))
        .map(|t| t.id.clone())
        .collect();
    let mut endings: HashMap<String, (String, serde_json::Value)> = HashMap::new();
    for (ticket, action, data) in store::events_of(c, &ended, &["refer", "merge", "withdraw"])? {
        endings.insert(
            ticket,
            (action, serde_json::from_str(&data).unwrap_or_default()),
        );
    }
    let mut notices: HashMap<Option<String>, Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        let status = Status::parse(&t.status).unwrap_or(Status::New);
        let cat = t.category_id.as_ref().and_then(|id| categories.get(id));
        let notice = match notices.get(&t.category_id) {
            Some(n) => n.clone(),
            None => {
                let policy = crate::service::clocks::policy(c, &jur.id, t.category_id.as_deref())?;
                let n = rules::service_notice(&policy);
                notices.insert(t.category_id.clone(), n.clone());
                n
            }
        };
        let ending = endings.get(&t.id);
        let data = |action: &str, key: &str| {
            ending
                .filter(|(a, _)| a == action)
                .and_then(|(_, d)| d.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let referred_to = mask_opt(data("refer", "to").as_deref());
        let merged_into = data("merge", "into_code");
        let agency = t.agency_id.as_ref().and_then(|a| agencies.get(a));
        let facts = NoteFacts {
            agency: agency.map(String::as_str),
            referred_to: referred_to.as_deref(),
            merged_into: merged_into.as_deref(),
            withdrawn: ending.is_some_and(|(a, _)| a == "withdraw"),
            on_hold: held.contains(&t.id),
        };
        let description = (!t.anonymous).then(|| mask_opt(Some(&t.comment_text)));
        out.push(Node::Record(vec![
            ("service_request_id", Node::text(t.code.clone())),
            ("status", Node::text(rules::status(status))),
            (
                "status_notes",
                Node::text(rules::status_notes(status, &facts)),
            ),
            ("service_name", Node::opt(cat.map(|c| c.name.clone()))),
            ("service_code", Node::opt(cat.map(|c| c.code.clone()))),
            ("description", Node::opt(description.flatten())),
            ("agency_responsible", Node::opt(agency.cloned())),
            ("service_notice", Node::opt(notice)),
            ("requested_datetime", Node::text(w3c(t.created_at, zone))),
            ("updated_datetime", Node::text(w3c(t.updated_at, zone))),
            (
                "expected_datetime",
                Node::opt(due.get(&t.id).map(|d| w3c(*d, zone))),
            ),
            (
                "address",
                Node::opt(t.address.as_deref().map(public_address)),
            ),
            ("address_id", Node::Text(None)),
            ("zipcode", Node::Text(None)),
            ("lat", Node::Number(t.lat.map(public_coordinate))),
            ("long", Node::Number(t.lng.map(public_coordinate))),
            ("media_url", Node::opt(media.get(&t.id).cloned())),
        ]));
    }
    Ok(out)
}

/// The list's filters, from the parameters.
fn query(c: &mut DbConnection, jur: &Jurisdiction, params: &Params) -> Result<RequestQuery, Fault> {
    if let Some(ids) = params.get("service_request_id") {
        // The ids override every other parameter.
        let codes: Vec<String> = rules::comma_list(ids)
            .into_iter()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if codes.len() > rules::MAX_IDS {
            return Err(Fault::bad(format!(
                "service_request_id may name at most {} requests",
                rules::MAX_IDS
            )));
        }
        return Ok(RequestQuery {
            codes,
            limit: rules::MAX_IDS as i64,
            ..Default::default()
        });
    }
    let mut problems = Vec::new();
    let span = params.span(&jur.tz(), &mut problems);
    let mut q = RequestQuery {
        offset: span.offset,
        limit: span.limit,
        id_from: crate::db::id_floor(span.from),
        id_to: crate::db::id_floor(span.to + chrono::Duration::milliseconds(1)),
        ..Default::default()
    };
    if let Some(codes) = params.get("service_code") {
        let mut ids = Vec::new();
        for code in rules::comma_list(codes) {
            match category::find_by_code(c, &jur.id, &code)? {
                Some(cat) => ids.push(cat.id),
                None => problems.push(format!("service_code '{code}' is not a service here")),
            }
        }
        q.category_ids = Some(ids);
    }
    if let Some(names) = params.get("status") {
        let mut statuses = Vec::new();
        for name in rules::comma_list(names) {
            match rules::statuses_named(&name) {
                Some(s) => statuses.extend(s.iter().map(|s| s.as_str().to_string())),
                None => problems.push(format!("status must be open or closed, not '{name}'")),
            }
        }
        q.statuses = Some(statuses);
    }
    if problems.is_empty() {
        Ok(q)
    } else {
        Err(Fault::all(problems))
    }
}

pub async fn list_requests(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
) -> HttpResponse {
    let format = format_of(&format, "requests");
    read(
        &state,
        &req,
        format,
        "service_requests",
        |c, jur, params| {
            let q = query(c, jur, params)?;
            let rows = store::public_tickets(c, &jur.id, &q)?;
            Ok(Node::list("request", shape(c, jur, &rows)?))
        },
    )
    .await
}

pub async fn get_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
) -> HttpResponse {
    let split = split(&file).map(|(code, format)| (code.trim().to_ascii_uppercase(), format));
    let code = split.as_ref().map(|(c, _)| c.clone()).unwrap_or_default();
    read(
        &state,
        &req,
        split.map(|(_, f)| f),
        "service_requests",
        move |c, jur, _| {
            let q = RequestQuery {
                codes: vec![code.clone()],
                limit: 1,
                ..Default::default()
            };
            let rows = store::public_tickets(c, &jur.id, &q)?;
            if rows.is_empty() {
                return Err(Fault::not_found(format!(
                    "there is no public request '{code}'"
                )));
            }
            Ok(Node::list("request", shape(c, jur, &rows)?))
        },
    )
    .await
}

pub async fn get_token(file: web::Path<String>) -> HttpResponse {
    let (token, format) = match split(&file) {
        Ok(split) => split,
        Err(fault) => return failure(Format::Xml, fault),
    };
    failure(
        format,
        Fault::not_found(format!(
            "there is no token '{token}': every service here is realtime, so POST requests \
             answers with the service_request_id at once"
        )),
    )
}
