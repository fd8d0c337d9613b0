//! The bi-weekly recap: gathers a period's figures per agency and per PIC — the ticket
//! figures from the materialised facts when they are complete (`facts`), else from the raw
//! tables (`raw`, the definition the facts are tested against); patrols and posts from their
//! tables — and scores and ranks them with `domain::recap`. With every count go the ids behind
//! it when asked.

mod boards;
mod decision;
pub mod drill;
mod facts;
mod publish;
mod raw;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::models::recap_source::{self as source, Person};
use crate::db::DbConnection;
use crate::domain::recap::{median, rank, score, Figures, Weights};

pub use crate::domain::analytics::Period;
pub use boards::{boards, Leaderboard, Placed};
pub use decision::{decide, frozen, live, published, Choice, Shown};
pub use publish::{freeze, period, preview, MAX_DAYS};

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

/// The accumulating figures of one line.
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

/// The lines being gathered: per agency id and per PIC (user id), and whose agency each user
/// is in now.
struct Lines<'a> {
    agency_of: HashMap<&'a str, Option<&'a str>>,
    by_agency: HashMap<String, Acc>,
    by_pic: HashMap<String, Acc>,
}

impl<'a> Lines<'a> {
    /// A line for every active PIC and its agency, expecting `slots` patrols on each of `days`.
    fn new(people: &'a [Person], slots: usize, days: usize) -> Lines<'a> {
        let mut lines = Lines {
            agency_of: people
                .iter()
                .map(|p| (p.id.as_str(), p.agency_id.as_deref()))
                .collect(),
            by_agency: HashMap::new(),
            by_pic: HashMap::new(),
        };
        for p in people.iter().filter(|p| p.role == "pic" && p.active) {
            if let Some(a) = &p.agency_id {
                lines.by_agency.entry(a.clone()).or_default().expected += slots * days;
                lines.by_pic.entry(p.id.clone()).or_default().expected += slots * days;
            }
        }
        lines
    }

    /// The agency `user` is in now.
    fn agency(&self, user: &str) -> Option<String> {
        self.agency_of
            .get(user)
            .copied()
            .flatten()
            .map(str::to_string)
    }

    fn agency_line(&mut self, agency: String) -> &mut Acc {
        self.by_agency.entry(agency).or_default()
    }

    fn pic_line(&mut self, user: String) -> &mut Acc {
        self.by_pic.entry(user).or_default()
    }

    /// The line of `user` when it has one already (a PIC on duty, or one who filed).
    fn existing_pic_line(&mut self, user: &str) -> Option<&mut Acc> {
        self.by_pic.get_mut(user)
    }

    fn add_patrols(&mut self, done: Vec<(String, String, String)>) {
        for (id, pic, agency) in done {
            self.agency_line(agency).ev.patrols.push(id.clone());
            self.pic_line(pic).ev.patrols.push(id);
        }
    }

    fn add_posts(&mut self, posts: Vec<(String, String, String, String)>) {
        for (id, kind, by, agency) in posts {
            for acc in [
                self.by_agency.entry(agency).or_default(),
                self.by_pic.entry(by).or_default(),
            ] {
                if kind == "repost" {
                    acc.ev.reposts.push(id.clone());
                } else {
                    acc.ev.content.push(id.clone());
                }
            }
        }
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

/// The facts when they are complete for the jurisdiction (see `projections::ready`), else the
/// raw tables.
pub fn best_source(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: chrono_tz::Tz,
    evidence: bool,
) -> QueryResult<Source> {
    Ok(
        if crate::service::projections::ready(conn, jurisdiction_id, tz)? {
            Source::Facts { evidence }
        } else {
            Source::Raw
        },
    )
}

/// Computes the recap of period `p` for a jurisdiction with `slots` patrol slots a day.
pub fn compute(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    slots: usize,
    weights: &Weights,
    ticket_source: Source,
) -> QueryResult<Recap> {
    let people = source::people(conn, jurisdiction_id)?;
    let agencies = source::agencies(conn, jurisdiction_id)?;
    let days = p.days() as usize;
    let mut lines = Lines::new(&people, slots, days);
    match ticket_source {
        Source::Raw => raw::add_tickets(conn, jurisdiction_id, p, &mut lines)?,
        Source::Facts { evidence } => {
            facts::add_tickets(conn, jurisdiction_id, p, evidence, &mut lines)?
        }
    }
    lines.add_patrols(source::patrols(conn, jurisdiction_id, p.from, p.to)?);
    lines.add_posts(source::posts(conn, jurisdiction_id, p.start, p.end)?);
    let Lines {
        mut by_agency,
        mut by_pic,
        ..
    } = lines;
    let line = |key: &str, name: &str, agency: Option<String>, acc: Acc, pic: bool| {
        line_of(key, name, agency, acc, pic, days, weights)
    };
    let mut agency_lines: BTreeMap<String, RecapLine> = BTreeMap::new();
    for (id, code, name) in &agencies {
        let acc = by_agency.remove(id).unwrap_or_default();
        agency_lines.insert(code.clone(), line(code, name, None, acc, false));
    }
    let code_of: HashMap<&str, &str> = agencies
        .iter()
        .map(|(i, c, _)| (i.as_str(), c.as_str()))
        .collect();
    let mut pic_lines: BTreeMap<String, RecapLine> = BTreeMap::new();
    for person in people.iter().filter(|p| p.role == "pic") {
        let Some(acc) = by_pic.remove(&person.id) else {
            continue;
        };
        let agency = person
            .agency_id
            .as_deref()
            .and_then(|a| code_of.get(a))
            .map(|c| c.to_string());
        pic_lines.insert(
            person.username.clone(),
            line(&person.username, &person.display_name, agency, acc, true),
        );
    }
    Ok(Recap {
        from: p.from,
        to: p.to,
        weights: *weights,
        agencies: ranked(agency_lines),
        pics: ranked(pic_lines),
    })
}

/// One line's figures, components and score (its rank comes later).
fn line_of(
    key: &str,
    name: &str,
    agency: Option<String>,
    acc: Acc,
    pic: bool,
    days: usize,
    weights: &Weights,
) -> RecapLine {
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
        key: key.to_string(),
        name: name.to_string(),
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
}

/// The lines by rank (shared ranks for equal scores), then key.
fn ranked(lines: BTreeMap<String, RecapLine>) -> Vec<RecapLine> {
    let scores: Vec<(&str, f64)> = lines.values().map(|l| (l.key.as_str(), l.score)).collect();
    rank(&scores)
        .iter()
        .map(|(k, _, r)| {
            let mut l = lines[*k].clone();
            l.rank = *r;
            l
        })
        .collect()
}
