//! The planning counters (metric `planning`): an agency's complaints by local filing year (day
//! = 1 January) and kecamatan (the region's, or the region itself) — dim `fix@year`, key
//! `agency|kecamatan|category|tenths` (tenths of a day to fix, '' when not fixed); dim
//! `place@year`, key `agency|kecamatan|category|lat:lng`, one row (stripe 0) per place of about
//! 100 m; dim `repeated@year`, key `agency|kecamatan|category`, the places with two or more.
//! Moving a desa to another kecamatan makes the projections rebuilt. A write takes the ticket away as it was and adds it as it is; a place row
//! is changed with its count read back, so that the repeated places change exactly when a
//! place reaches or leaves two, however many writers there are.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::QueryResult;

use super::{stripe_of, Deltas, Key, Resolutions};
use crate::db::models::event::{Event, EventFacts};
use crate::db::models::region;
use crate::db::models::rollup::{self, RollupRow};
use crate::db::models::ticket::{Ticket, TicketStub};
use crate::db::DbConnection;
use crate::domain::analytics::{place_cell, place_key};
use crate::domain::calendar::local_day;
use crate::domain::planning::{is_fixed, tenths_to_fix, Tally};

pub const METRIC: &str = "planning";
const FIX: &str = "fix@year";
const PLACE: &str = "place@year";
const REPEATED: &str = "repeated@year";

/// What the counters hold of one complaint of an agency.
#[derive(Debug, PartialEq, Eq)]
struct Counted {
    /// 1 January of the local filing year.
    year: NaiveDate,
    /// `agency|kecamatan|category`.
    group: String,
    fix: Option<i64>,
    place: Option<(i64, i64)>,
}

impl Counted {
    /// `t` (in `kecamatan`) as counted when its last resolve was at `last_fix`; none without an
    /// agency.
    fn of(
        tz: Tz,
        t: &TicketStub,
        kecamatan: Option<&str>,
        last_fix: Option<NaiveDateTime>,
    ) -> Option<Counted> {
        let agency = t.agency_id.as_deref()?;
        let filed = local_day(t.created_at, tz);
        let category = t.category_id.as_deref().unwrap_or_default();
        Some(Counted {
            year: NaiveDate::from_ymd_opt(filed.year(), 1, 1)?,
            group: format!("{agency}|{}|{category}", kecamatan.unwrap_or_default()),
            fix: last_fix
                .filter(|_| is_fixed(&t.status))
                .map(|at| tenths_to_fix(t.created_at, at)),
            place: t.lat.zip(t.lng).map(|(la, lo)| place_key(la, lo)),
        })
    }

    fn fix_key(&self) -> Key {
        let tenths = self.fix.map(|t| t.to_string()).unwrap_or_default();
        (METRIC, FIX, self.year, format!("{}|{tenths}", self.group))
    }

    fn place_key(&self) -> Option<Key> {
        Some((
            METRIC,
            PLACE,
            self.year,
            format!("{}|{}", self.group, place_cell(self.place?)),
        ))
    }

    fn repeated_key(&self) -> Key {
        (METRIC, REPEATED, self.year, self.group.clone())
    }
}

/// The time of the last resolve of the ticket so far.
fn last_fix(
    conn: &mut DbConnection,
    resolutions: &mut Resolutions,
) -> QueryResult<Option<NaiveDateTime>> {
    Ok(resolutions
        .get(conn)?
        .iter()
        .filter(|(a, _)| a == "resolve")
        .map(|(_, at)| *at)
        .max())
}

/// The counters of one ticket write (see `super::on_write`): the places are changed here, in
/// key order; the rest goes to `d`.
pub(super) fn on_write(
    conn: &mut DbConnection,
    tz: Tz,
    (before, after, e): (Option<&Ticket>, &Ticket, &Event),
    resolutions: &mut Resolutions,
    d: &mut Deltas,
) -> QueryResult<()> {
    let fixed = |t: &Ticket| is_fixed(&t.status);
    let unmoved = |b: &Ticket| {
        (
            &b.agency_id,
            &b.region_id,
            &b.category_id,
            b.lat,
            b.lng,
            fixed(b),
        ) == (
            &after.agency_id,
            &after.region_id,
            &after.category_id,
            after.lat,
            after.lng,
            fixed(after),
        )
    };
    let counted = |t: &Ticket| t.agency_id.is_some();
    if before.is_some_and(|b| unmoved(b) && e.action != "resolve")
        || (!before.is_some_and(counted) && !counted(after))
    {
        return Ok(());
    }
    let kecamatan = |c: &mut DbConnection, t: &Ticket| match &t.region_id {
        Some(r) => region::kecamatan_of(c, r),
        None => Ok(None),
    };
    let new_kecamatan = kecamatan(conn, after)?;
    let old_kecamatan = match before {
        Some(b) if b.region_id != after.region_id => kecamatan(conn, b)?,
        _ => new_kecamatan.clone(),
    };
    // The last fix matters only to a ticket counted as fixed.
    let last = match before {
        Some(b) if fixed(b) || fixed(after) => last_fix(conn, resolutions)?,
        _ => None,
    };
    let now = (e.action == "resolve").then_some(e.at).or(last);
    let old = before.and_then(|b| Counted::of(tz, &b.into(), old_kecamatan.as_deref(), last));
    let new = Counted::of(tz, &after.into(), new_kecamatan.as_deref(), now);
    if old == new {
        return Ok(());
    }
    let mut places: BTreeMap<Key, (i64, Key)> = BTreeMap::new();
    for (c, n) in [(&old, -1), (&new, 1)] {
        let Some(c) = c else { continue };
        *d.entry(c.fix_key()).or_default() += n;
        if let Some(k) = c.place_key() {
            let e = places.entry(k).or_insert((0, c.repeated_key()));
            e.0 += n;
        }
    }
    for ((metric, dim, day, key), (n, repeated)) in places {
        if n == 0 {
            continue;
        }
        let row = RollupRow {
            jurisdiction_id: after.jurisdiction_id.clone(),
            metric,
            dim,
            day,
            key,
            stripe: 0,
            count: n,
        };
        let count = rollup::add_and_read(conn, &row)?;
        // The place reached two, or left it.
        match (n, count) {
            (1, 2) => *d.entry(repeated).or_default() += 1,
            (-1, 1) => *d.entry(repeated).or_default() -= 1,
            _ => {}
        }
    }
    Ok(())
}

/// The counters of a rebuild, page by page: the fixes by stripe, the places whole.
#[derive(Default)]
pub(super) struct Totals {
    /// The kecamatan of each region.
    pub(super) kecamatan: HashMap<String, String>,
    places: HashMap<Key, i64>,
}

impl Totals {
    /// Counts a page of tickets with their events; the fix counters go to `add`.
    pub(super) fn count_page<'a>(
        &mut self,
        tz: Tz,
        tickets: &[TicketStub],
        events: impl Iterator<Item = (&'a str, &'a EventFacts)>,
        mut add: impl FnMut(Key, i32),
    ) {
        let mut fixes: HashMap<&str, NaiveDateTime> = HashMap::new();
        for (ticket, (action, _, at, _)) in events {
            if action == "resolve" {
                let last = fixes.entry(ticket).or_insert(*at);
                *last = (*last).max(*at);
            }
        }
        for t in tickets {
            let kecamatan = t.region_id.as_ref().and_then(|r| self.kecamatan.get(r));
            let last = fixes.get(t.id.as_str()).copied();
            let Some(c) = Counted::of(tz, t, kecamatan.map(String::as_str), last) else {
                continue;
            };
            add(c.fix_key(), stripe_of(&t.id));
            if let Some(k) = c.place_key() {
                *self.places.entry(k).or_default() += 1;
            }
        }
    }

    /// The place rows (stripe 0) and the repeated places they make.
    pub(super) fn rows(self) -> Vec<(Key, i64)> {
        let mut repeated: BTreeMap<Key, i64> = BTreeMap::new();
        for ((m, _, day, key), n) in &self.places {
            if *n >= 2 {
                let group = key.rsplit_once('|').map(|(g, _)| g).unwrap_or(key);
                *repeated
                    .entry((*m, REPEATED, *day, group.to_string()))
                    .or_default() += 1;
            }
        }
        self.places.into_iter().chain(repeated).collect()
    }
}

/// The tallies of agency `agency_id` for the local year starting `year`, by `(kecamatan id,
/// category_id)` ('' for none).
pub fn tallies(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    agency_id: &str,
    year: NaiveDate,
) -> QueryResult<BTreeMap<(String, String), Tally>> {
    let like = [format!("{agency_id}|%")];
    let mut out: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for dim in [FIX, REPEATED] {
        let counts = rollup::day_counts(conn, jurisdiction_id, METRIC, dim, year, year, &like)?;
        for (_, key, n) in counts {
            let mut parts = key.split('|');
            let (Some(agency), Some(region), Some(category)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if agency != agency_id {
                continue;
            }
            let t = out
                .entry((region.to_string(), category.to_string()))
                .or_default();
            match (dim, parts.next()) {
                (FIX, Some(tenths)) => {
                    t.complaints += n;
                    if let Ok(tenths) = tenths.parse::<i64>() {
                        *t.fixes.entry(tenths).or_default() += n;
                    }
                }
                _ => t.repeated_places += n,
            }
        }
    }
    Ok(out)
}
