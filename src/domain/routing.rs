//! Moves between agencies, read from a ticket's route and return events in order: a return by
//! the agency that had it (bukan kewenangan), and a route on to another agency — remembering
//! when the ticket had just been returned, so that a return can be paired with where the ticket
//! went next. The routing report counts them per period (`Pairs`); the same moves are counted
//! from the raw events and kept as counters, so both give the same report.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// The agency an event's data names (`agency_id`).
pub fn agency_of(data: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()?
        .get("agency_id")?
        .as_str()
        .map(str::to_string)
}

/// One move, on a local day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// `from` returned the ticket.
    Return { from: Option<String> },
    /// The ticket went from `from` (the agency it was last routed to) to `to`; `returned_on`
    /// is the day `from` returned it when this route follows that return.
    Reroute {
        from: String,
        to: Option<String>,
        returned_on: Option<NaiveDate>,
    },
}

/// Replays one ticket's route and return events in order.
#[derive(Debug, Default)]
pub struct Replay {
    /// The agency the ticket was last routed to.
    routed_to: Option<String>,
    /// The day of a return since that route.
    returned_on: Option<NaiveDate>,
}

impl Replay {
    /// The move made by the next event: `action` ("route" or "return") on `day`, naming
    /// `agency` (the event's `agency_id`). A route to the agency that already had the ticket,
    /// or a first route, moves nothing.
    pub fn step(&mut self, action: &str, day: NaiveDate, agency: Option<String>) -> Option<Move> {
        if action == "return" {
            self.returned_on = Some(day);
            return Some(Move::Return { from: agency });
        }
        let returned_on = self.returned_on.take();
        let before = std::mem::replace(&mut self.routed_to, agency.clone());
        match before {
            Some(from) if Some(&from) != agency.as_ref() => Some(Move::Reroute {
                from,
                to: agency,
                returned_on,
            }),
            _ => None,
        }
    }
}

/// `(from, to)` → `(returns, reroutes)`; `to` none for returns not (yet) routed elsewhere.
pub type PairCounts = BTreeMap<(Option<String>, Option<String>), (i64, i64)>;

/// The moves of a period counted by pair of agencies.
#[derive(Debug, Default)]
pub struct Pairs {
    /// The period's first day: a reroute pairs with its return only if that return is in the
    /// period too.
    since: NaiveDate,
    counts: PairCounts,
}

impl Pairs {
    pub fn since(since: NaiveDate) -> Pairs {
        Pairs {
            since,
            counts: PairCounts::new(),
        }
    }

    /// Counts `n` times a move made in the period.
    pub fn add(&mut self, m: &Move, n: i64) {
        match m {
            Move::Return { from } => self.counts.entry((from.clone(), None)).or_default().0 += n,
            Move::Reroute {
                from,
                to,
                returned_on,
            } => {
                let pair = (Some(from.clone()), to.clone());
                if returned_on.is_some_and(|d| d >= self.since) {
                    // The return is counted with where the ticket went.
                    self.counts.entry((pair.0.clone(), None)).or_default().0 -= n;
                    self.counts.entry(pair.clone()).or_default().0 += n;
                }
                self.counts.entry(pair).or_default().1 += n;
            }
        }
    }

    /// The pairs with a return or a reroute.
    pub fn counts(self) -> PairCounts {
        self.counts
            .into_iter()
            .filter(|(_, (r, m))| *r != 0 || *m != 0)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn a(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn a_first_route_moves_nothing_and_a_return_pairs_with_the_next_route() {
        let mut r = Replay::default();
        assert_eq!(r.step("route", day(1), a("x")), None);
        assert_eq!(
            r.step("return", day(2), a("x")),
            Some(Move::Return { from: a("x") })
        );
        assert_eq!(
            r.step("route", day(3), a("y")),
            Some(Move::Reroute {
                from: "x".into(),
                to: a("y"),
                returned_on: Some(day(2))
            })
        );
        // Routed on without a return; then to the same agency again.
        assert_eq!(
            r.step("route", day(4), a("x")),
            Some(Move::Reroute {
                from: "y".into(),
                to: a("x"),
                returned_on: None
            })
        );
        assert_eq!(r.step("route", day(5), a("x")), None);
    }

    #[test]
    fn a_return_before_the_period_is_not_paired() {
        let mut r = Replay::default();
        r.step("route", day(1), a("x"));
        let ret = r.step("return", day(2), a("x")).unwrap();
        let reroute = r.step("route", day(3), a("y")).unwrap();
        let mut inside = Pairs::since(day(1));
        inside.add(&ret, 1);
        inside.add(&reroute, 1);
        assert_eq!(
            inside.counts().into_iter().collect::<Vec<_>>(),
            vec![((a("x"), a("y")), (1, 1))]
        );
        let mut later = Pairs::since(day(3));
        later.add(&reroute, 1);
        assert_eq!(
            later.counts().into_iter().collect::<Vec<_>>(),
            vec![((a("x"), a("y")), (0, 1))]
        );
    }

    #[test]
    fn a_return_not_yet_routed_on_stays_alone() {
        let mut r = Replay::default();
        r.step("route", day(1), a("x"));
        let ret = r.step("return", day(2), a("x")).unwrap();
        let mut p = Pairs::since(day(1));
        p.add(&ret, 1);
        assert_eq!(
            p.counts().into_iter().collect::<Vec<_>>(),
            vec![((a("x"), None), (1, 0))]
        );
    }
}
