//! Appending a ticket event: the event row, what it does to the SLA clocks, and one outbox row
//! per webhook that wants it — all in the caller's transaction, so that an event is never
//! without its clocks or its deliveries, and a failed request leaves none of them.

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use crate::db::models::event::{self, Event};
use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::ticket::Ticket;
use crate::db::models::webhook::{self, Delivery};
use crate::db::{new_id_at, DbConnection};
use crate::domain::lifecycle::Action;
use crate::error::ServiceError;
use crate::service::places;
use crate::service::sla_counts::{self, Owner};
use crate::service::{clocks, recap_facts, rollups};

/// The webhook event name of an action (what `X-Aduan-Event` says).
pub fn event_name(action: Action) -> &'static str {
    match action {
        Action::File => "filed",
        Action::Route => "routed",
        Action::Return => "returned",
        Action::Assign => "assigned",
        Action::Start => "started",
        Action::Visit => "visited",
        Action::Resolve => "resolved",
        Action::Reply => "replied",
        Action::Close => "closed",
        Action::Reopen => "reopened",
        // A withdrawal is a rejection; its data says `withdrawn: true`.
        Action::Reject | Action::Withdraw => "rejected",
        Action::Refer => "referred",
        Action::Merge => "merged",
        Action::Hold => "held",
        Action::Resume => "resumed",
        Action::SlaBreached => "sla_breached",
    }
}

/// Every event a webhook can subscribe to: the names of the lifecycle's actions, once each.
pub fn events() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for a in Action::ALL {
        let n = event_name(*a);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

/// Appends `event` for `ticket` (as it is after the action; `before` is it before, none for a
/// filing) with the clocks of `plan` (made by `clocks::plan` before the ticket was written, so
/// that its `next_due_at` is in the ticket already), the trend rollups and SLA counters it changes,
/// the ticket's recap facts, and the deliveries of the webhooks that want it.
pub fn record(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    before: Option<&Ticket>,
    ticket: &Ticket,
    action: Action,
    e: &Event,
    plan: &clocks::Plan,
) -> Result<(), ServiceError> {
    rollups::on_write(conn, jur.tz(), before, ticket, e)?;
    places::on_write(conn, before, ticket)?;
    event::insert(conn, e)?;
    let owner = |t: &Ticket| Owner::of(&t.agency_id, &t.category_id);
    let owners = (&owner(before.unwrap_or(ticket)), &owner(ticket));
    if plan.is_empty() && owners.0 == owners.1 {
        // No clock changes and none moves: the SLA counters stay as they are.
        clocks::write(conn, ticket, action, plan)?;
    } else {
        sla_counts::around(conn, jur.tz(), &jur.id, &ticket.id, owners, |c| {
            clocks::write(c, ticket, action, plan)
        })?;
    }
    if before.is_none() {
        // A filing: its event and clocks are at hand.
        let rows: Vec<_> = plan
            .runs
            .iter()
            .filter(|r| plan.changed.contains(&r.clock))
            .map(|r| clocks::row_of(ticket, r))
            .collect();
        recap_facts::write_new(conn, jur.tz(), ticket, e, &rows)?;
    } else {
        recap_facts::refresh_of(conn, jur.tz(), ticket)?;
    }
    let name = event_name(action);
    let hooks: Vec<_> = webhook::active(conn, &jur.id)?
        .into_iter()
        .filter(|w| w.wants(name))
        .collect();
    if hooks.is_empty() {
        return Ok(());
    }
    let body = payload(jur, ticket, name, e).to_string();
    for w in hooks {
        webhook::insert_delivery(
            conn,
            &Delivery {
                id: new_id_at(e.at),
                webhook_id: w.id,
                jurisdiction_id: jur.id.clone(),
                event: name.to_string(),
                ticket_id: ticket.id.clone(),
                payload: body.clone(),
                state: "pending".to_string(),
                attempts: 0,
                next_attempt_at: e.at,
                last_attempt_at: None,
                response_status: None,
                last_error: None,
                created_at: e.at,
                delivered_at: None,
            },
        )?;
    }
    Ok(())
}

/// An event's data as stored: a JSON object without null members.
pub fn data_text(data: Value) -> String {
    match data {
        Value::Object(mut m) => {
            m.retain(|_, v| !v.is_null());
            Value::Object(m).to_string()
        }
        Value::Null => "{}".to_string(),
        other => json!({ "value": other }).to_string(),
    }
}

fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The JSON body of a delivery. It names the ticket by id and code and carries the event's
/// data, never the commenter's handle or text.
pub fn payload(jur: &Jurisdiction, ticket: &Ticket, name: &str, e: &Event) -> Value {
    json!({
        "event": name,
        "event_id": format!("{}:{}", e.ticket_id, e.seq),
        "occurred_at": rfc3339(e.at),
        "jurisdiction": jur.code,
        "actor_id": e.actor_id,
        "ticket": {
            "id": ticket.id,
            "code": ticket.code,
            "status": ticket.status,
            "version": ticket.version,
            "agency_id": ticket.agency_id,
            "division_id": ticket.division_id,
            "category_id": ticket.category_id,
            "channel": ticket.platform,
        },
        "from_status": e.from_status,
        "to_status": e.to_status,
        "data": serde_json::from_str::<Value>(&e.data).unwrap_or_else(|_| json!({})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_data_drops_nulls() {
        let d = data_text(serde_json::json!({"reason": "x", "note": null}));
        assert_eq!(d, r#"{"reason":"x"}"#);
        assert_eq!(data_text(Value::Null), "{}");
    }

    #[test]
    fn webhook_events_are_the_documented_ones() {
        let mut got = events();
        got.sort();
        let mut documented = vec![
            "filed",
            "routed",
            "returned",
            "assigned",
            "started",
            "visited",
            "resolved",
            "replied",
            "closed",
            "reopened",
            "rejected",
            "referred",
            "merged",
            "held",
            "resumed",
            "sla_breached",
        ];
        documented.sort();
        assert_eq!(got, documented);
    }
}
