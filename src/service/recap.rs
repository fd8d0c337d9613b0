//! Gathers a recap's figures for a period — from the materialised facts (`recap_facts`) when
//! they are complete, else from the raw tables — and scores them with `domain::recap`: per
//! agency and per PIC, every count, with the ids behind it when asked.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{
    activities, agencies, patrols, ticket_clocks, ticket_events, tickets, users,
};
use crate::db::DbConnection;
use crate::domain::recap::{median, rank, score, Figures, Weights};

/// The ids behind each figure (drill-down).
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    pub filed: Vec<String>,
    pub replied_in_time: Vec<String>,
    pub received: Vec<String>,
    pub returned: Vec<String>,
    pub resolved: Vec<String>,
    pub closed_with_reply: Vec<String>,
    pub clocks_met: Vec<String>,
    pub clocks_breached: Vec<String>,
    pub reopens: Vec<String>,
    pub patrols: Vec<String>,
    pub reposts: Vec<String>,
    pub content: Vec<String>,
}

impl Evidence {
    /// The list of `figure`.
    fn list(&mut self, figure: &str) -> Option<&mut Vec<String>> {
        Some(match figure {
            "filed" => &mut self.filed,
            "replied_in_time" => &mut self.replied_in_time,
            "received" => &mut self.received,
            "returned" => &mut self.returned,
            "resolved" => &mut self.resolved,
            "closed_with_reply" => &mut self.closed_with_reply,
            "clocks_met" => &mut self.clocks_met,
            "clocks_breached" => &mut self.clocks_breached,
            "reopens" => &mut self.reopens,
            "patrols" => &mut self.patrols,
            "reposts" => &mut self.reposts,
            "content" => &mut self.content,
            _ => return None,
        })
    }

    /// Every figure's name with its ids, in a stable order.
    pub fn figures(&self) -> [(&'static str, &Vec<String>); 12] {
        [
            ("filed", &self.filed),
            ("replied_in_time", &self.replied_in_time),
            ("received", &self.received),
            ("returned", &self.returned),
            ("resolved", &self.resolved),
            ("closed_with_reply", &self.closed_with_reply),
            ("clocks_met", &self.clocks_met),
            ("clocks_breached", &self.clocks_breached),
            ("reopens", &self.reopens),
            ("patrols", &self.patrols),
            ("reposts", &self.reposts),
            ("content", &self.content),
        ]
    }
}

/// One ranked line of a recap: an agency or a PIC.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecapLine {
    /// Agency code, or the PIC's username.
    pub key: String,
    pub name: String,
    /// The PIC's agency code (for PIC lines).
    pub agency: Option<String>,
    pub filed: usize,
    pub received: usize,
    pub returned: usize,
    pub resolved: usize,
    pub closed_with_reply: usize,
    pub median_first_reply_minutes: Option<f64>,
    pub clocks_met: usize,
    pub clocks_breached: usize,
    pub reopens: usize,
    pub patrols_done: usize,
    pub patrols_expected: usize,
    pub reposts: usize,
    pub content: usize,
    /// Components, 0 to 1 (null: nothing to judge; left out of the weighting).
    pub response: Option<f64>,
    pub completion: Option<f64>,
    pub clocks: Option<f64>,
    pub patrols: Option<f64>,
    pub activity: Option<f64>,
    /// 0 to 100.
    pub score: f64,
    pub rank: u32,
    /// The ids behind each figure (with `evidence=true`; always kept in a frozen recap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Recap {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub weights: Weights,
    pub agencies: Vec<RecapLine>,
    pub pics: Vec<RecapLine>,
}

impl Recap {
    /// What a reader asked for: without the ids unless `evidence`, and only the lines of `key`
    /// (an agency code or a PIC's username) when given.
    pub fn shaped(mut self, evidence: bool, key: Option<&str>) -> Recap {
        for lines in [&mut self.agencies, &mut self.pics] {
            if let Some(k) = key {
                lines.retain(|l| l.key == k);
            }
            if !evidence {
                for l in lines.iter_mut() {
                    l.evidence = None;
                }
            }
        }
        self
    }
}

/// An action in the period: `(ticket_id, action, actor_id, data, ticket's agency_id)`.
type ActionFact = (String, String, Option<String>, String, Option<String>);

/// Picks the evidence list a fact adds to.
type Pick = fn(&mut Evidence) -> &mut Vec<String>;

/// Clocks a recap counts: stopped in the period, or breached in it and still running.
enum ClockQuery {
    Stopped,
    BreachedRunning,
}

#[derive(Default)]
struct Acc {
    ev: Evidence,
    /// Counts known without their ids (from the facts' counts), added to the lists' lengths.
    extra: HashMap<&'static str, usize>,
    first_reply: Vec<i64>,
    expected: usize,
}

impl Acc {
    /// Adds `n` to `figure`, with its id when known.
    fn add(&mut self, figure: &'static str, id: Option<String>, n: usize) {
        match (id, self.ev.list(figure)) {
            (Some(id), Some(list)) => list.push(id),
            _ => *self.extra.entry(figure).or_default() += n,
        }
    }

    fn count(&self, figure: &str) -> usize {
        let listed = self
            .ev
            .figures()
            .iter()
            .find(|(f, _)| *f == figure)
            .map(|(_, l)| l.len())
            .unwrap_or(0);
        listed + self.extra.get(figure).copied().unwrap_or(0)
    }
}

/// Where a recap's ticket figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The tickets, events and clocks themselves.
    Raw,
    /// The materialised facts (`recap_facts`), with or without the ids behind the figures.
    Facts { evidence: bool },
}

/// The facts when they are complete for the jurisdiction (see `rollups::ready`), else the raw
/// tables.
pub fn best_source(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: chrono_tz::Tz,
    evidence: bool,
) -> QueryResult<Source> {
    Ok(
        if crate::service::rollups::ready(conn, jurisdiction_id, tz)? {
            Source::Facts { evidence }
        } else {
            Source::Raw
        },
    )
}

/// Computes the recap of `[from, to]` (local days; UTC bounds `[start, end)`).
#[allow(clippy::too_many_arguments)]
pub fn compute(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    start: NaiveDateTime,
    end: NaiveDateTime,
    slots: usize,
    weights: &Weights,
    source: Source,
) -> QueryResult<Recap> {
    let people: Vec<(String, String, String, String, Option<String>, bool)> = users::table
        .filter(users::jurisdiction_id.eq(jurisdiction_id))
        .select((
            users::id,
            users::username,
            users::display_name,
            users::role,
            users::agency_id,
            users::active,
        ))
        .load(conn)?;
    let agency_rows: Vec<(String, String, String)> = agencies::table
        .filter(agencies::jurisdiction_id.eq(jurisdiction_id))
        .select((agencies::id, agencies::code, agencies::name))
        .load(conn)?;
    let agency_of: HashMap<&str, Option<&str>> = people
        .iter()
        .map(|p| (p.0.as_str(), p.4.as_deref()))
        .collect();
    let days = ((to - from).num_days() + 1) as usize;
    let mut by_agency: HashMap<String, Acc> = HashMap::new();
    let mut by_pic: HashMap<String, Acc> = HashMap::new();
    for p in people.iter().filter(|p| p.3 == "pic" && p.5) {
        if let Some(a) = &p.4 {
            by_agency.entry(a.clone()).or_default().expected += slots * days;
            by_pic.entry(p.0.clone()).or_default().expected += slots * days;
        }
    }
    match source {
        Source::Raw => raw_tickets(
            conn,
            jurisdiction_id,
            start,
            end,
            &agency_of,
            &mut by_agency,
            &mut by_pic,
        )?,
        Source::Facts { evidence } => from_facts(
            conn,
            jurisdiction_id,
            from,
            to,
            evidence,
            &agency_of,
            &mut by_agency,
            &mut by_pic,
        )?,
    }
    let done: Vec<(String, String, String)> = patrols::table
        .filter(patrols::jurisdiction_id.eq(jurisdiction_id))
        .filter(patrols::day.ge(from))
        .filter(patrols::day.le(to))
        .select((patrols::id, patrols::pic_id, patrols::agency_id))
        .load(conn)?;
    for (id, pic, agency) in done {
        by_agency
            .entry(agency)
            .or_default()
            .ev
            .patrols
            .push(id.clone());
        by_pic.entry(pic).or_default().ev.patrols.push(id);
    }
    let posts: Vec<(String, String, String, String)> = activities::table
        .filter(activities::jurisdiction_id.eq(jurisdiction_id))
        .filter(activities::posted_at.ge(start))
        .filter(activities::posted_at.lt(end))
        .select((
            activities::id,
            activities::kind,
            activities::recorded_by,
            activities::agency_id,
        ))
        .load(conn)?;
    for (id, kind, by, agency) in posts {
        for acc in [
            by_agency.entry(agency).or_default(),
            by_pic.entry(by).or_default(),
        ] {
            if kind == "repost" {
                acc.ev.reposts.push(id.clone());
            } else {
                acc.ev.content.push(id.clone());
            }
        }
    }

    let line = |key: String, name: String, agency: Option<String>, acc: Acc, pic: bool| {
        let c = |figure: &str| acc.count(figure);
        let n = |figure: &str| c(figure) as u32;
        let mut f = Figures {
            filed: n("filed"),
            replied_in_time: n("replied_in_time"),
            received: n("received"),
            returned: n("returned"),
            resolved: n("resolved"),
            closed_with_reply: n("closed_with_reply"),
            clocks_met: n("clocks_met"),
            clocks_breached: n("clocks_breached"),
            reopens: n("reopens"),
            patrols_done: n("patrols"),
            patrols_expected: acc.expected as u32,
            reposts: n("reposts"),
            content: n("content"),
            days: days as u32,
        };
        if pic {
            // A PIC is judged on response, clocks, patrols and posts; completion is the agency's.
            f.received = 0;
        }
        let s = score(&f, weights);
        RecapLine {
            key,
            name,
            agency,
            filed: c("filed"),
            received: c("received"),
            returned: c("returned"),
            resolved: c("resolved"),
            closed_with_reply: c("closed_with_reply"),
            median_first_reply_minutes: median(&acc.first_reply),
            clocks_met: c("clocks_met"),
            clocks_breached: c("clocks_breached"),
            reopens: c("reopens"),
            patrols_done: c("patrols"),
            patrols_expected: acc.expected,
            reposts: c("reposts"),
            content: c("content"),
            response: s.response,
            completion: s.completion,
            clocks: s.clocks,
            patrols: s.patrols,
            activity: s.activity,
            score: s.score,
            rank: 0,
            evidence: Some(acc.ev),
        }
    };
    let codes: HashMap<&str, (&str, &str)> = agency_rows
        .iter()
        .map(|(i, c, n)| (i.as_str(), (c.as_str(), n.as_str())))
        .collect();
    let mut agency_lines: BTreeMap<String, RecapLine> = BTreeMap::new();
    for (id, code, name) in &agency_rows {
        let acc = by_agency.remove(id).unwrap_or_default();
        agency_lines.insert(
            code.clone(),
            line(code.clone(), name.clone(), None, acc, false),
        );
    }
    let mut pic_lines: BTreeMap<String, RecapLine> = BTreeMap::new();
    for p in people.iter().filter(|p| p.3 == "pic") {
        let Some(acc) = by_pic.remove(&p.0) else {
            continue;
        };
        let agency =
            p.4.as_deref()
                .and_then(|a| codes.get(a))
                .map(|(c, _)| c.to_string());
        pic_lines.insert(
            p.1.clone(),
            line(p.1.clone(), p.2.clone(), agency, acc, true),
        );
    }
    let ranked = |lines: BTreeMap<String, RecapLine>| {
        let scores: Vec<(&str, f64)> = lines.values().map(|l| (l.key.as_str(), l.score)).collect();
        let order = rank(&scores);
        order
            .iter()
            .map(|(k, _, r)| {
                let mut l = lines[*k].clone();
                l.rank = *r;
                l
            })
            .collect::<Vec<_>>()
    };
    Ok(Recap {
        from,
        to,
        weights: *weights,
        agencies: ranked(agency_lines),
        pics: ranked(pic_lines),
    })
}

/// The ticket figures from the tickets, events and clocks themselves (the definition the facts
/// are tested against).
#[allow(clippy::too_many_arguments)]
fn raw_tickets(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
    agency_of: &HashMap<&str, Option<&str>>,
    by_agency: &mut HashMap<String, Acc>,
    by_pic: &mut HashMap<String, Acc>,
) -> QueryResult<()> {
    // Tickets filed in the period (ids are UUIDv7 of the filing time).
    let filed: Vec<(String, String, String, NaiveDateTime, Option<String>)> = tickets::table
        .filter(tickets::jurisdiction_id.eq(jurisdiction_id))
        .filter(tickets::id.ge(crate::db::id_floor(start.and_utc())))
        .filter(tickets::id.lt(crate::db::id_floor(end.and_utc())))
        .select((
            tickets::id,
            tickets::filed_by,
            tickets::status,
            tickets::created_at,
            tickets::agency_id,
        ))
        .load(conn)?;
    // Their replies and met first_response clocks: one range scan each over the primary keys
    // (ticket_id first), as the tickets' ids are the range [lo, hi).
    let (lo, hi) = (
        crate::db::id_floor(start.and_utc()),
        crate::db::id_floor(end.and_utc()),
    );
    // (No jurisdiction filter: it would tempt PostgreSQL into also reading the action index;
    // only the filed tickets, all of this jurisdiction, are looked up below.)
    let replies: Vec<(String, NaiveDateTime)> = ticket_events::table
        .filter(ticket_events::ticket_id.ge(&lo))
        .filter(ticket_events::ticket_id.lt(&hi))
        .filter(ticket_events::action.eq_any(["reply", "close"]))
        .select((ticket_events::ticket_id, ticket_events::at))
        .load(conn)?;
    let mut first_reply: HashMap<String, NaiveDateTime> = HashMap::new();
    for (t, at) in replies {
        let e = first_reply.entry(t).or_insert(at);
        *e = (*e).min(at);
    }
    let in_time: HashSet<String> = ticket_clocks::table
        .filter(ticket_clocks::ticket_id.ge(&lo))
        .filter(ticket_clocks::ticket_id.lt(&hi))
        .filter(ticket_clocks::clock.eq("first_response"))
        .filter(ticket_clocks::state.eq("met"))
        .select(ticket_clocks::ticket_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for (id, filer, status, created, _) in &filed {
        if status == "rejected" || status == "merged" {
            continue;
        }
        let minutes = first_reply.get(id).map(|r| (*r - *created).num_minutes());
        let add = |acc: &mut Acc| {
            acc.ev.filed.push(id.clone());
            if in_time.contains(id) {
                acc.ev.replied_in_time.push(id.clone());
            }
            acc.first_reply.extend(minutes);
        };
        add(by_pic.entry(filer.clone()).or_default());
        if let Some(Some(a)) = agency_of.get(filer.as_str()) {
            add(by_agency.entry(a.to_string()).or_default());
        }
    }
    // Actions in the period.
    // Route, return, resolve and close name their agency in the event (or through the actor);
    // only reopens need the ticket's current agency, so only they join the tickets.
    let mut acts: Vec<ActionFact> = ticket_events::table
        .filter(ticket_events::jurisdiction_id.eq(jurisdiction_id))
        .filter(ticket_events::at.ge(start))
        .filter(ticket_events::at.lt(end))
        .filter(ticket_events::action.eq_any(["route", "return", "resolve", "close"]))
        .select((
            ticket_events::ticket_id,
            ticket_events::action,
            ticket_events::actor_id,
            ticket_events::data,
        ))
        .load::<(String, String, Option<String>, String)>(conn)?
        .into_iter()
        .map(|(t, a, by, d)| (t, a, by, d, None))
        .collect();
    acts.extend(
        ticket_events::table
            .inner_join(tickets::table)
            .filter(ticket_events::jurisdiction_id.eq(jurisdiction_id))
            .filter(ticket_events::at.ge(start))
            .filter(ticket_events::at.lt(end))
            .filter(ticket_events::action.eq("reopen"))
            .select((
                ticket_events::ticket_id,
                ticket_events::action,
                ticket_events::actor_id,
                ticket_events::data,
                tickets::agency_id,
            ))
            .load::<ActionFact>(conn)?,
    );
    for (ticket, action, actor, data, current) in acts {
        let named = || {
            serde_json::from_str::<serde_json::Value>(&data)
                .ok()
                .and_then(|v| v.get("agency_id")?.as_str().map(str::to_string))
        };
        let actor_agency = actor
            .as_deref()
            .and_then(|a| agency_of.get(a).copied().flatten())
            .map(str::to_string);
        let (agency, list): (Option<String>, Pick) = match action.as_str() {
            "route" => (named(), |e| &mut e.received),
            "return" => (named(), |e| &mut e.returned),
            "resolve" => (actor_agency, |e| &mut e.resolved),
            "close" => (actor_agency, |e| &mut e.closed_with_reply),
            _ => (current, |e| &mut e.reopens),
        };
        if let Some(a) = agency {
            list(&mut by_agency.entry(a).or_default().ev).push(ticket.clone());
        }
        if action == "close" {
            if let Some(u) = &actor {
                if by_pic.contains_key(u) {
                    list(&mut by_pic.entry(u.clone()).or_default().ev).push(ticket.clone());
                }
            }
        }
    }
    // Clocks stopped (or found breached) in the period: first_response counts for the filer,
    // follow_up and resolve for the ticket's agency; verify is the coordinators'.
    type ClockFact = (String, String, String, String, Option<String>);
    let mut clock_facts = |q: ClockQuery| -> QueryResult<Vec<ClockFact>> {
        let base = ticket_clocks::table
            .inner_join(tickets::table.on(tickets::id.eq(ticket_clocks::ticket_id)))
            .filter(ticket_clocks::jurisdiction_id.eq(jurisdiction_id))
            .filter(ticket_clocks::clock.ne("verify"))
            .select((
                ticket_clocks::ticket_id,
                ticket_clocks::clock,
                ticket_clocks::state,
                tickets::filed_by,
                tickets::agency_id,
            ))
            .into_boxed();
        match q {
            ClockQuery::Stopped => base
                .filter(ticket_clocks::stopped_at.ge(start))
                .filter(ticket_clocks::stopped_at.lt(end)),
            ClockQuery::BreachedRunning => base
                .filter(ticket_clocks::state.eq("breached"))
                .filter(ticket_clocks::stopped_at.is_null())
                .filter(ticket_clocks::due_at.ge(start))
                .filter(ticket_clocks::due_at.lt(end)),
        }
        .load(conn)
    };
    // Two queries rather than one with OR, so that each uses its index.
    let mut clocks = clock_facts(ClockQuery::Stopped)?;
    clocks.extend(clock_facts(ClockQuery::BreachedRunning)?);
    for (ticket, clock, state, filer, agency) in clocks {
        let list: Pick = if state == "met" {
            |e| &mut e.clocks_met
        } else if state == "breached" {
            |e| &mut e.clocks_breached
        } else {
            continue;
        };
        let key = format!("{ticket}:{clock}");
        if clock == "first_response" {
            if let Some(a) = agency_of.get(filer.as_str()).copied().flatten() {
                list(&mut by_agency.entry(a.to_string()).or_default().ev).push(key.clone());
            }
            if let Some(acc) = by_pic.get_mut(&filer) {
                list(&mut acc.ev).push(key);
            }
        } else if let Some(a) = agency {
            list(&mut by_agency.entry(a).or_default().ev).push(key);
        }
    }
    Ok(())
}

/// The ticket figures from the materialised facts: counts grouped in the database, or every
/// fact with its id when `evidence`. Added to the same lines by the same rules as `raw_tickets`:
/// the filer's and actor's agency as it is now, a PIC line for a closer or a first_response
/// clock only when the PIC is on duty or filed in the period.
#[allow(clippy::too_many_arguments)]
fn from_facts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    evidence: bool,
    agency_of: &HashMap<&str, Option<&str>>,
    by_agency: &mut HashMap<String, Acc>,
    by_pic: &mut HashMap<String, Acc>,
) -> QueryResult<()> {
    use crate::service::recap_facts;
    type Item = (String, String, &'static str, Option<String>, usize);
    let figure = |f: &str| -> Option<&'static str> {
        [
            "filed",
            "replied_in_time",
            "received",
            "returned",
            "resolved",
            "closed_with_reply",
            "clocks_met",
            "clocks_breached",
            "reopens",
        ]
        .into_iter()
        .find(|x| *x == f)
    };
    let items: Vec<Item> = if evidence {
        recap_facts::all(conn, jurisdiction_id, from, to)?
            .into_iter()
            .filter_map(|(kind, subject, f, ticket, detail)| {
                let id = if detail.is_empty() {
                    ticket
                } else {
                    format!("{ticket}:{detail}")
                };
                Some((kind, subject, figure(&f)?, Some(id), 1))
            })
            .collect()
    } else {
        recap_facts::counts(conn, jurisdiction_id, from, to)?
            .into_iter()
            .filter_map(|(kind, subject, f, n)| {
                Some((kind, subject, figure(&f)?, None, n as usize))
            })
            .collect()
    };
    let agency = |user: &str| agency_of.get(user).copied().flatten().map(str::to_string);
    // Filings first: they decide which PICs have a line (as in `raw_tickets`).
    for (_, subject, f, id, n) in items
        .iter()
        .filter(|i| i.0 == "user" && matches!(i.2, "filed" | "replied_in_time"))
    {
        by_pic
            .entry(subject.clone())
            .or_default()
            .add(f, id.clone(), *n);
        if let Some(a) = agency(subject) {
            by_agency.entry(a).or_default().add(f, id.clone(), *n);
        }
    }
    for (filer, minutes) in recap_facts::first_replies(conn, jurisdiction_id, from, to)? {
        let Some(m) = minutes else { continue };
        by_pic.entry(filer.clone()).or_default().first_reply.push(m);
        if let Some(a) = agency(&filer) {
            by_agency.entry(a).or_default().first_reply.push(m);
        }
    }
    for (kind, subject, f, id, n) in items
        .into_iter()
        .filter(|i| !(i.0 == "user" && matches!(i.2, "filed" | "replied_in_time")))
    {
        if kind == "agency" {
            by_agency.entry(subject).or_default().add(f, id, n);
            continue;
        }
        if let Some(a) = agency(&subject) {
            by_agency.entry(a).or_default().add(f, id.clone(), n);
        }
        if matches!(f, "closed_with_reply" | "clocks_met" | "clocks_breached") {
            if let Some(acc) = by_pic.get_mut(&subject) {
                acc.add(f, id, n);
            }
        }
    }
    Ok(())
}
