//! Daily rollups of the trend metrics: per local day, how many tickets were filed (by filing
//! time) and how many resolve and close events happened (by event time), under the ticket's
//! current category, region and agency. They answer a year of trends from a few thousand rows
//! instead of a million tickets.
//!
//! They are kept exactly equal to the raw tables by changing them in the transaction of every
//! ticket write (`on_write`, called through the journal before the event is appended): a filing
//! adds one; an action that changes a ticket's category, region or agency moves the ticket's
//! filing and its past resolve and close events from the old keys to the new ones; a resolve or
//! close adds one. The open tickets are counted as well, by local filing day and agency
//! (`OPEN`, for the backlog): every write takes the ticket away as it was and adds it as it is,
//! each only if open. `Totals` counts them from scratch for a rebuild (`projections`); readers
//! use them only when the projections are complete.
//!
//! The pairs are counted by month too (`month_counts`), for periods summed by month or whole.
//!
//! A row is split into `STRIPES` by ticket id so that concurrent writers of one day and key do
//! not all wait on one row; deltas are applied in key order, so two writers never deadlock.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::QueryResult;

pub mod planning;
pub mod routing;

use crate::db::models::event::{self, Event, EventFacts};
use crate::db::models::rollup::{self, RollupRow};
use crate::db::models::ticket::{Ticket, TicketStub};
use crate::db::DbConnection;
use crate::domain::analytics::{GroupBy, Metric};
use crate::domain::calendar::{local_day, split_months};
use crate::domain::lifecycle::Status;

/// Rows per day and key.
pub const STRIPES: i32 = 8;

/// `(metric, dim, day, key)`: one counter (all stripes).
type Key = (&'static str, &'static str, NaiveDate, String);

/// Changes to counters, in key order.
type Deltas = BTreeMap<Key, i64>;

/// The stripe of a ticket's counts (its id's last hex digit).
pub fn stripe_of(ticket_id: &str) -> i32 {
    ticket_id
        .chars()
        .last()
        .and_then(|c| c.to_digit(16))
        .map(|d| d as i32 % STRIPES)
        .unwrap_or(0)
}

/// The dimensions counted alone and in pairs (a trend of one grouped within a value of the
/// other). A pair's key is `first|second` of the ids ('' for none).
const PAIRS: [(GroupBy, GroupBy); 3] = [
    (GroupBy::Category, GroupBy::Region),
    (GroupBy::Category, GroupBy::Agency),
    (GroupBy::Region, GroupBy::Agency),
];

/// The name of a pair's counters.
fn pair_name(first: GroupBy, second: GroupBy) -> &'static str {
    match (first, second) {
        (GroupBy::Category, GroupBy::Region) => "category+region",
        (GroupBy::Category, GroupBy::Agency) => "category+agency",
        _ => "region+agency",
    }
}

/// The keys a ticket counts under: its category, region and agency ('' for none), alone and
/// in pairs.
fn dims(
    category: &Option<String>,
    region: &Option<String>,
    agency: &Option<String>,
) -> [(&'static str, String); 6] {
    let id = |d: GroupBy| {
        match d {
            GroupBy::Category => category,
            GroupBy::Region => region,
            GroupBy::Agency => agency,
        }
        .clone()
        .unwrap_or_default()
    };
    let pair = |(a, b): (GroupBy, GroupBy)| (pair_name(a, b), format!("{}|{}", id(a), id(b)));
    [
        ("category", id(GroupBy::Category)),
        ("region", id(GroupBy::Region)),
        ("agency", id(GroupBy::Agency)),
        pair(PAIRS[0]),
        pair(PAIRS[1]),
        pair(PAIRS[2]),
    ]
}

/// The counters a trend reads: those of its grouping alone, or of the pair of its grouping and
/// the dimension it is filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    name: &'static str,
    /// Where the grouping's id is in a key: alone, first or second of a pair.
    group_at: Option<usize>,
}

impl Dims {
    pub fn of(group_by: GroupBy, within: Option<GroupBy>) -> Dims {
        match within.filter(|w| *w != group_by) {
            None => Dims {
                name: group_by.as_str(),
                group_at: None,
            },
            Some(w) => {
                let (first, second) = PAIRS
                    .into_iter()
                    .find(|(a, b)| (*a, *b) == (group_by, w) || (*a, *b) == (w, group_by))
                    .unwrap_or(PAIRS[0]);
                Dims {
                    name: pair_name(first, second),
                    group_at: Some(usize::from(first != group_by)),
                }
            }
        }
    }

    /// The `LIKE` pattern of the keys whose filter id is `id` (none for one dimension).
    fn like(&self, id: &str) -> Option<String> {
        match self.group_at {
            Some(0) => Some(format!("%|{id}")),
            Some(_) => Some(format!("{id}|%")),
            None => None,
        }
    }

    /// A counter's key as (the grouping's id, the filter's id); the same id twice when the
    /// counter has one dimension.
    pub fn split<'a>(&self, key: &'a str) -> (&'a str, &'a str) {
        match (self.group_at, key.split_once('|')) {
            (Some(0), Some((a, b))) => (a, b),
            (Some(_), Some((a, b))) => (b, a),
            _ => (key, key),
        }
    }
}

fn dims_of(t: &Ticket) -> [(&'static str, String); 6] {
    dims(&t.category_id, &t.region_id, &t.agency_id)
}

fn add(d: &mut Deltas, metric: Metric, day: NaiveDate, t: &Ticket, n: i64) {
    for (dim, key) in dims_of(t) {
        for (dim, day) in spans(dim, day) {
            *d.entry((metric.as_str(), dim, day, key.clone()))
                .or_default() += n;
        }
    }
}

/// The counters of a pair also count by month (dim `…@month`, day the month's first), so that
/// a long period reads its whole months from a twelfth of the rows.
fn month_of(dim: &'static str) -> Option<&'static str> {
    match dim {
        "category+region" => Some("category+region@month"),
        "category+agency" => Some("category+agency@month"),
        "region+agency" => Some("region+agency@month"),
        _ => None,
    }
}

/// Where a count of `dim` on `day` goes: the day, and its month for a pair.
fn spans(dim: &'static str, day: NaiveDate) -> impl Iterator<Item = (&'static str, NaiveDate)> {
    let month = month_of(dim).map(|m| (m, day.with_day(1).unwrap_or(day)));
    std::iter::once((dim, day)).chain(month)
}

/// The counter of open tickets, by local filing day under dimension `agency` (the backlog's).
pub const OPEN: &str = "open";

fn is_open(status: &str) -> bool {
    Status::parse(status).is_some_and(Status::is_open)
}

fn open_key(tz: Tz, created_at: NaiveDateTime, agency: &Option<String>) -> Key {
    (
        OPEN,
        "agency",
        local_day(created_at, tz),
        agency.clone().unwrap_or_default(),
    )
}

fn metric_of(action: &str) -> Option<Metric> {
    match action {
        "resolve" => Some(Metric::Resolved),
        "close" => Some(Metric::Closed),
        _ => None,
    }
}

/// The resolve and close events of the ticket being written (`event::resolutions_of`), read
/// at most once per write and only when a counter needs them.
pub(super) struct Resolutions {
    ticket_id: String,
    read: Option<Vec<(String, NaiveDateTime)>>,
}

impl Resolutions {
    fn of(ticket_id: &str) -> Resolutions {
        Resolutions {
            ticket_id: ticket_id.to_string(),
            read: None,
        }
    }

    pub(super) fn get(
        &mut self,
        conn: &mut DbConnection,
    ) -> QueryResult<&[(String, NaiveDateTime)]> {
        let read = match self.read.take() {
            Some(r) => r,
            None => event::resolutions_of(conn, &self.ticket_id)?,
        };
        Ok(self.read.insert(read))
    }
}

/// Keeps the rollups equal to the tables for one ticket write: `before` is the ticket before
/// the action (none for a filing), `after` as written, `e` the event being appended. Must run
/// before that event is inserted.
pub fn on_write(
    conn: &mut DbConnection,
    tz: Tz,
    before: Option<&Ticket>,
    after: &Ticket,
    e: &Event,
) -> QueryResult<()> {
    let (action, at) = (e.action.as_str(), e.at);
    let mut d = Deltas::new();
    let mut resolutions = Resolutions::of(&after.id);
    match before {
        None => add(
            &mut d,
            Metric::Filed,
            local_day(after.created_at, tz),
            after,
            1,
        ),
        Some(b) if dims_of(b) != dims_of(after) => {
            let filed = local_day(b.created_at, tz);
            add(&mut d, Metric::Filed, filed, b, -1);
            add(&mut d, Metric::Filed, filed, after, 1);
            for (a, at) in resolutions.get(conn)? {
                if let Some(m) = metric_of(a) {
                    add(&mut d, m, local_day(*at, tz), b, -1);
                    add(&mut d, m, local_day(*at, tz), after, 1);
                }
            }
        }
        Some(_) => {}
    }
    if let Some(m) = metric_of(action) {
        add(&mut d, m, local_day(at, tz), after, 1);
    }
    if let Some(key) = routing::of_event(conn, tz, e)? {
        *d.entry(key).or_default() += 1;
    }
    planning::on_write(conn, tz, (before, after, e), &mut resolutions, &mut d)?;
    for (t, n) in before.map(|b| (b, -1)).into_iter().chain([(after, 1)]) {
        if is_open(&t.status) {
            *d.entry(open_key(tz, t.created_at, &t.agency_id))
                .or_default() += n;
        }
    }
    let stripe = stripe_of(&after.id);
    for ((metric, dim, day, key), count) in d {
        if count != 0 {
            let row = RollupRow {
                jurisdiction_id: after.jurisdiction_id.clone(),
                metric,
                dim,
                day,
                key,
                stripe,
                count,
            };
            rollup::add(conn, &row)?;
        }
    }
    Ok(())
}

/// The counters of a rebuild, counted page by page.
#[derive(Default)]
pub struct Totals {
    counts: BTreeMap<(Key, i32), i64>,
    planning: planning::Totals,
}

impl Totals {
    /// Counters of jurisdiction `jurisdiction_id`, none counted yet.
    pub fn of(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<Totals> {
        let mut t = Totals::default();
        t.planning.kecamatan = crate::db::models::region::kecamatan_ids(conn, jurisdiction_id)?;
        Ok(t)
    }

    /// Counts a page of tickets with their events (`(ticket_id, event)`).
    pub fn count_page<'a>(
        &mut self,
        tz: Tz,
        tickets: &[TicketStub],
        events: impl Iterator<Item = (&'a str, &'a EventFacts)> + Clone,
    ) {
        let by_id: std::collections::HashMap<&str, &TicketStub> =
            tickets.iter().map(|t| (t.id.as_str(), t)).collect();
        for t in tickets {
            self.count(Metric::Filed, local_day(t.created_at, tz), t);
            if is_open(&t.status) {
                let key = open_key(tz, t.created_at, &t.agency_id);
                *self.counts.entry((key, stripe_of(&t.id))).or_default() += 1;
            }
        }
        let counts = &mut self.counts;
        self.planning
            .count_page(tz, tickets, events.clone(), |key, stripe| {
                *counts.entry((key, stripe)).or_default() += 1;
            });
        for (ticket, (action, _, at, _)) in events.clone() {
            if let (Some(m), Some(t)) = (metric_of(action), by_id.get(ticket)) {
                self.count(m, local_day(*at, tz), t);
            }
        }
        let facts =
            events.map(|(t, (action, _, at, data))| (t, action.as_str(), *at, data.as_str()));
        for (ticket, key) in routing::of_events(tz, facts) {
            *self.counts.entry((key, stripe_of(ticket))).or_default() += 1;
        }
    }

    fn count(&mut self, metric: Metric, day: NaiveDate, t: &TicketStub) {
        let stripe = stripe_of(&t.id);
        for (dim, key) in dims(&t.category_id, &t.region_id, &t.agency_id) {
            for (dim, day) in spans(dim, day) {
                *self
                    .counts
                    .entry(((metric.as_str(), dim, day, key.clone()), stripe))
                    .or_default() += 1;
            }
        }
    }

    /// The counter rows of jurisdiction `jurisdiction_id`.
    pub fn rows(self, jurisdiction_id: &str) -> Vec<RollupRow> {
        let places = self.planning.rows().into_iter().map(|(k, n)| ((k, 0), n));
        self.counts
            .into_iter()
            .chain(places)
            .map(|((k, stripe), count)| RollupRow {
                jurisdiction_id: jurisdiction_id.to_string(),
                metric: k.0,
                dim: k.1,
                day: k.2,
                key: k.3,
                stripe,
                count,
            })
            .collect()
    }
}

/// The counts of `metric` by local day and key of `dims` (see `Dims::split`) over the local
/// days `[from, to]`, summed over stripes; zero sums left out. With `within` (ids of the
/// filter's dimension), the database leaves out most keys of other ids; the caller still
/// checks each key.
pub fn day_counts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    metric: Metric,
    dims: Dims,
    (from, to): (NaiveDate, NaiveDate),
    within: &[String],
) -> QueryResult<Vec<(NaiveDate, String, i64)>> {
    let like: Vec<String> = within.iter().filter_map(|id| dims.like(id)).collect();
    rollup::day_counts(
        conn,
        jurisdiction_id,
        metric.as_str(),
        dims.name,
        from,
        to,
        &like,
    )
}

/// `day_counts` over `[from, to]` with the whole months inside read from the month counters
/// of a pair (each month's count on its first day) and the days around them from the day
/// counters: for counts summed by month or over the whole period.
pub fn month_counts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    metric: Metric,
    dims: Dims,
    period: (NaiveDate, NaiveDate),
    within: &[String],
) -> QueryResult<Vec<(NaiveDate, String, i64)>> {
    let mut out = Vec::new();
    for (name, span) in spans_of(dims.name, period) {
        let dims = Dims { name, ..dims };
        out.extend(day_counts(
            conn,
            jurisdiction_id,
            metric,
            dims,
            span,
            within,
        )?);
    }
    Ok(out)
}

/// `month_counts` summed over the whole period by key (a key may come once per span: the
/// months and each run of days around them): for totals per key, read in as many rows as the
/// spans have keys instead of one per day and key.
pub fn period_counts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    metric: Metric,
    dims: Dims,
    period: (NaiveDate, NaiveDate),
) -> QueryResult<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for (dim, (a, b)) in spans_of(dims.name, period) {
        out.extend(rollup::key_counts(
            conn,
            jurisdiction_id,
            metric.as_str(),
            dim,
            a,
            b,
        )?);
    }
    Ok(out)
}

/// The counters that cover `[from, to]`: the whole months inside from `dim`'s month
/// counters (when it has them) and the days around them from `dim` itself.
fn spans_of(
    dim: &'static str,
    (from, to): (NaiveDate, NaiveDate),
) -> Vec<(&'static str, (NaiveDate, NaiveDate))> {
    let Some(by_month) = month_of(dim) else {
        return vec![(dim, (from, to))];
    };
    let (days, months) = split_months(from, to);
    months
        .map(|span| (by_month, span))
        .into_iter()
        .chain(days.into_iter().map(|span| (dim, span)))
        .collect()
}

/// The open tickets by local filing day and agency id ('' for none), summed over stripes;
/// zero sums left out.
pub fn open_by_day(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
) -> QueryResult<Vec<(NaiveDate, String, i64)>> {
    // Every day a ticket can be filed on (the days both databases hold).
    let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
    rollup::day_counts(conn, jurisdiction_id, OPEN, "agency", first, last, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_key_splits_into_group_and_filter() {
        let d = Dims::of(GroupBy::Category, Some(GroupBy::Region));
        assert_eq!(d.name, "category+region");
        assert_eq!(d.split("cat|reg"), ("cat", "reg"));
        let d = Dims::of(GroupBy::Agency, Some(GroupBy::Region));
        assert_eq!(d.name, "region+agency");
        assert_eq!(d.split("reg|ag"), ("ag", "reg"));
        assert_eq!(d.split("|ag"), ("ag", ""));
        let d = Dims::of(GroupBy::Region, Some(GroupBy::Region));
        assert_eq!(d.name, "region");
        assert_eq!(d.split("reg"), ("reg", "reg"));
        assert_eq!(Dims::of(GroupBy::Agency, None).split("ag"), ("ag", "ag"));
    }

    #[test]
    fn a_filter_id_is_matched_on_its_side_of_the_key() {
        let d = Dims::of(GroupBy::Category, Some(GroupBy::Region));
        assert_eq!(d.like("reg").as_deref(), Some("%|reg"));
        let d = Dims::of(GroupBy::Region, Some(GroupBy::Category));
        assert_eq!(d.like("cat").as_deref(), Some("cat|%"));
        assert_eq!(Dims::of(GroupBy::Region, None).like("x"), None);
    }

    #[test]
    fn stripes_come_from_the_last_hex_digit() {
        assert_eq!(stripe_of("0190-…-0000000000f"), 15 % STRIPES);
        assert_eq!(stripe_of("x3"), 3);
        assert_eq!(stripe_of(""), 0);
        for d in "0123456789abcdef".chars() {
            let s = stripe_of(&format!("id{d}"));
            assert!((0..STRIPES).contains(&s));
        }
    }
}
