//! The bi-weekly recap's arithmetic, as data: the two-week periods from an anchor Monday, the
//! figures of an agency or a PIC, and a transparent score that rewards response, completion and
//! duty compliance rather than raw volume (mySociety's warning: counts rank areas unfairly).
//! Nothing here does I/O; `service::recap` gathers the figures.

use chrono::{Datelike, NaiveDate, Weekday};

use super::reference::AgencyKind;

/// The two boards the regent's prizes are given on (Rp1 juta for the best of each): the
/// perangkat daerah — dinas, badan, bagian and the rest — and the kecamatan offices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    Opd,
    Kecamatan,
}

impl Board {
    pub const ALL: [Board; 2] = [Board::Opd, Board::Kecamatan];

    /// The board of an agency of `kind` (and of its PICs).
    pub fn of(kind: AgencyKind) -> Board {
        match kind {
            AgencyKind::Kecamatan => Board::Kecamatan,
            AgencyKind::Dinas | AgencyKind::Badan | AgencyKind::Bagian | AgencyKind::Other => {
                Board::Opd
            }
        }
    }
}

/// The two-week period `[first, last]` that holds `day`, counted from `anchor` (a Monday).
pub fn period_of(anchor: NaiveDate, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let offset = (day - anchor).num_days().div_euclid(14);
    let first = anchor + chrono::Duration::days(offset * 14);
    (first, first + chrono::Duration::days(13))
}

/// Is `anchor` usable (a Monday)?
pub fn is_anchor(anchor: NaiveDate) -> bool {
    anchor.weekday() == Weekday::Mon
}

/// What an agency (or a PIC) did in a period; every count can be traced to ids.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Valid tickets filed (not rejected, not merged as duplicates).
    pub filed: u32,
    /// Of those, with a first public reply within the `first_response` target.
    pub replied_in_time: u32,
    /// Routed to the agency.
    pub received: u32,
    /// Returned as not its duty (bukan kewenangan).
    pub returned: u32,
    pub resolved: u32,
    pub closed_with_reply: u32,
    pub clocks_met: u32,
    pub clocks_breached: u32,
    pub reopens: u32,
    pub patrols_done: u32,
    pub patrols_expected: u32,
    pub reposts: u32,
    pub content: u32,
    /// Days in the period.
    pub days: u32,
}

/// How much each component counts (any non-negative numbers; they are normalised).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Weights {
    /// Share of filed tickets answered in public within the target.
    pub response: f64,
    /// Resolved ÷ received (at most 1).
    pub completion: f64,
    /// Clocks met ÷ clocks stopped or breached.
    pub clocks: f64,
    /// Patrol slots done ÷ expected (at most 1).
    pub patrols: f64,
    /// Posts (reposts + own content) per day, one a day being full marks.
    pub activity: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            response: 30.0,
            completion: 25.0,
            clocks: 20.0,
            patrols: 15.0,
            activity: 10.0,
        }
    }
}

/// A score with every component beside it (`None`: nothing to judge, left out of the
/// weighting rather than counted as zero).
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub response: Option<f64>,
    pub completion: Option<f64>,
    pub clocks: Option<f64>,
    pub patrols: Option<f64>,
    pub activity: Option<f64>,
    /// 0 to 100.
    pub score: f64,
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64).min(1.0))
}

pub fn score(f: &Figures, w: &Weights) -> Score {
    let response = share(f.replied_in_time, f.filed);
    let completion = share(f.resolved, f.received);
    let clocks = share(f.clocks_met, f.clocks_met + f.clocks_breached);
    let patrols = share(f.patrols_done, f.patrols_expected);
    let activity = share(f.reposts + f.content, f.days);
    let parts = [
        (response, w.response),
        (completion, w.completion),
        (clocks, w.clocks),
        (patrols, w.patrols),
        (activity, w.activity),
    ];
    let weight: f64 = parts
        .iter()
        .filter(|(c, _)| c.is_some())
        .map(|(_, w)| w)
        .sum();
    let sum: f64 = parts.iter().filter_map(|(c, w)| c.map(|c| c * w)).sum();
    let score = if weight > 0.0 {
        100.0 * sum / weight
    } else {
        0.0
    };
    Score {
        response,
        completion,
        clocks,
        patrols,
        activity,
        score: (score * 100.0).round() / 100.0,
    }
}

/// The median of some minutes (the mean of the middle two for an even count).
pub fn median(values: &[i64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f64),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0),
    }
}

/// Ranks by score, highest first; equal scores share a rank ("1, 2, 2, 4"). Ties are listed by
/// name so that the order is reproducible.
pub fn rank<'a>(scores: &[(&'a str, f64)]) -> Vec<(&'a str, f64, u32)> {
    let mut v = scores.to_vec();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = Vec::with_capacity(v.len());
    for (i, (name, s)) in v.iter().enumerate() {
        let rank = match out.last() {
            Some(&(_, prev, r)) if prev == *s => r,
            _ => i as u32 + 1,
        };
        out.push((*name, *s, rank));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_are_fortnights_from_the_anchor() {
        let anchor = d("2025-01-06");
        assert!(is_anchor(anchor));
        assert!(!is_anchor(d("2025-01-07")));
        assert_eq!(
            period_of(anchor, d("2025-01-06")),
            (d("2025-01-06"), d("2025-01-19"))
        );
        assert_eq!(
            period_of(anchor, d("2025-01-19")),
            (d("2025-01-06"), d("2025-01-19"))
        );
        assert_eq!(
            period_of(anchor, d("2025-01-20")),
            (d("2025-01-20"), d("2025-02-02"))
        );
        // Before the anchor too.
        assert_eq!(
            period_of(anchor, d("2025-01-05")),
            (d("2024-12-23"), d("2025-01-05"))
        );
        // 2026-11-28 (Saturday) is in the 50th fortnight, which began on Monday 2026-11-23.
        assert_eq!(
            period_of(anchor, d("2026-11-28")),
            (d("2026-11-23"), d("2026-12-06"))
        );
    }

    #[test]
    fn scores_by_hand() {
        // An agency that answered 8 of 10 in time, resolved 6 of 12 received, met 9 of 12
        // clocks, did 30 of 42 patrols and posted 7 times in 14 days:
        // 100 × (30·0.8 + 25·0.5 + 20·0.75 + 15·(30/42) + 10·0.5) / 100 = 67.214…
        let f = Figures {
            filed: 10,
            replied_in_time: 8,
            received: 12,
            resolved: 6,
            clocks_met: 9,
            clocks_breached: 3,
            patrols_done: 30,
            patrols_expected: 42,
            reposts: 4,
            content: 3,
            days: 14,
            ..Default::default()
        };
        let s = score(&f, &Weights::default());
        assert_eq!(s.response, Some(0.8));
        assert_eq!(s.completion, Some(0.5));
        assert_eq!(s.score, 67.21);

        // Volume does not dominate: ten times the tickets with the same shares scores the same.
        let big = Figures {
            filed: 100,
            replied_in_time: 80,
            received: 120,
            resolved: 60,
            clocks_met: 90,
            clocks_breached: 30,
            ..f
        };
        assert_eq!(score(&big, &Weights::default()).score, s.score);

        // A kecamatan that received nothing is judged on the rest (completion left out):
        // 100 × (30·1 + 15·1 + 10·1) / (30 + 15 + 10) = 100.
        let quiet = Figures {
            filed: 2,
            replied_in_time: 2,
            patrols_done: 42,
            patrols_expected: 42,
            reposts: 20,
            days: 14,
            ..Default::default()
        };
        let q = score(&quiet, &Weights::default());
        assert_eq!((q.completion, q.clocks, q.score), (None, None, 100.0));
        assert_eq!(score(&Figures::default(), &Weights::default()).score, 0.0);
    }

    #[test]
    fn kecamatan_offices_have_their_own_board() {
        assert_eq!(Board::of(AgencyKind::Kecamatan), Board::Kecamatan);
        for k in [
            AgencyKind::Dinas,
            AgencyKind::Badan,
            AgencyKind::Bagian,
            AgencyKind::Other,
        ] {
            assert_eq!(Board::of(k), Board::Opd);
        }
    }

    #[test]
    fn medians_and_ranks() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[30, 10, 20]), Some(20.0));
        assert_eq!(median(&[40, 10, 20, 30]), Some(25.0));
        let r = rank(&[
            ("dpupr", 70.0),
            ("dinkes", 82.5),
            ("dlh", 70.0),
            ("dishub", 12.0),
        ]);
        assert_eq!(
            r,
            vec![
                ("dinkes", 82.5, 1),
                ("dlh", 70.0, 2),
                ("dpupr", 70.0, 2),
                ("dishub", 12.0, 4)
            ]
        );
    }
}
