//! The arithmetic of the planning table ("bahan perencanaan"): what a fixed complaint is, how
//! long its fix took (in tenths of a day, the table's precision), and what one kecamatan ×
//! category gathers. The same tallies are made from the raw tables and from the counters.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::lifecycle::Status;

/// Whether a complaint in `status` counts as fixed (when it also has a resolve event).
pub fn is_fixed(status: &str) -> bool {
    matches!(
        Status::parse(status),
        Some(Status::Resolved | Status::Closed)
    )
}

/// Tenths of a day from `created` to `fixed` (its last resolve), rounded; never negative.
pub fn tenths_to_fix(created: NaiveDateTime, fixed: NaiveDateTime) -> i64 {
    ((fixed - created).num_minutes().max(0) + 72) / 144
}

/// What one group of complaints gathers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub complaints: i64,
    /// Tenths of a day to fix → how many fixed complaints took that long.
    pub fixes: BTreeMap<i64, i64>,
    /// Places (about 100 m) with two or more complaints.
    pub repeated_places: i64,
}

impl Tally {
    pub fn merge(&mut self, other: Tally) {
        self.complaints += other.complaints;
        for (tenths, n) in other.fixes {
            *self.fixes.entry(tenths).or_default() += n;
        }
        self.repeated_places += other.repeated_places;
    }

    pub fn fixed(&self) -> i64 {
        self.fixes.values().sum()
    }

    /// The median days to fix (the mean of the middle two for an even count); none when
    /// nothing was fixed.
    pub fn median_days(&self) -> Option<f64> {
        let n = self.fixed();
        let nth = |i: i64| {
            let mut seen = 0;
            self.fixes.iter().find_map(|(t, c)| {
                seen += c;
                (seen > i).then_some(*t)
            })
        };
        match n {
            0 => None,
            _ if n % 2 == 1 => nth(n / 2).map(|t| t as f64 / 10.0),
            _ => Some((nth(n / 2 - 1)? + nth(n / 2)?) as f64 / 20.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(fixes: &[(i64, i64)]) -> Tally {
        Tally {
            complaints: 9,
            fixes: fixes.iter().copied().collect(),
            repeated_places: 0,
        }
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(tally(&[]).median_days(), None);
        assert_eq!(tally(&[(10, 1), (20, 1), (30, 1)]).median_days(), Some(2.0));
        assert_eq!(tally(&[(10, 2), (40, 1)]).median_days(), Some(1.0));
        assert_eq!(
            tally(&[(10, 1), (20, 1), (30, 1), (40, 1)]).median_days(),
            Some(2.5)
        );
        assert_eq!(tally(&[(10, 1), (15, 1)]).median_days(), Some(1.25));
    }

    #[test]
    fn a_fix_is_counted_in_tenths_of_a_day() {
        let at = |m: i64| {
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                + chrono::Duration::minutes(m)
        };
        assert_eq!(tenths_to_fix(at(0), at(1440)), 10);
        assert_eq!(tenths_to_fix(at(0), at(71)), 0);
        assert_eq!(tenths_to_fix(at(0), at(72)), 1);
        assert_eq!(tenths_to_fix(at(100), at(0)), 0);
        assert!(is_fixed("resolved") && is_fixed("closed") && !is_fixed("in_progress"));
    }

    #[test]
    fn tallies_merge() {
        let mut a = tally(&[(10, 1)]);
        a.merge(tally(&[(10, 2), (5, 1)]));
        assert_eq!(a.complaints, 18);
        assert_eq!(a.fixed(), 4);
        assert_eq!(a.fixes[&10], 3);
    }
}
