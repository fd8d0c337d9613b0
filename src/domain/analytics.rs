//! Planner analytics as data: the buckets, groupings and metrics of a trend, and which bucket a
//! moment falls in, in the jurisdiction's time zone. Nothing here does I/O.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

use super::calendar::OUT_OF_RANGE;
use super::reference::text_enum;

text_enum!(
    /// The width of a trend's buckets (in the jurisdiction's time zone).
    Bucket {
        Day => "day",
        /// ISO weeks, starting on Monday.
        Week => "week",
        Month => "month",
    }
);

text_enum!(
    /// What a trend is split by.
    GroupBy {
        Category => "category",
        /// The kecamatan (a desa counts for its kecamatan).
        Region => "region",
        /// The ticket's current agency.
        Agency => "agency",
    }
);

text_enum!(
    /// What a trend counts.
    Metric {
        /// Tickets filed.
        Filed => "filed",
        /// `resolve` actions.
        Resolved => "resolved",
        /// `close` actions (with the public reply).
        Closed => "closed",
    }
);

/// The first day of the bucket that holds `t`, in `tz`.
pub fn bucket_start(t: DateTime<Utc>, tz: Tz, bucket: Bucket) -> NaiveDate {
    bucket_of_day(t.with_timezone(&tz).date_naive(), bucket)
}

/// The first day of the bucket that holds the local day `day` (buckets are made of whole days).
pub fn bucket_of_day(day: NaiveDate, bucket: Bucket) -> NaiveDate {
    match bucket {
        Bucket::Day => day,
        Bucket::Week => day - chrono::Days::new(day.weekday().num_days_from_monday() as u64),
        Bucket::Month => day.with_day(1).unwrap_or(day),
    }
}

/// How a bucket is labelled: `2026-01-31` (day), `2026-W05` (ISO week), `2026-01` (month).
pub fn bucket_label(start: NaiveDate, bucket: Bucket) -> String {
    match bucket {
        Bucket::Day => start.to_string(),
        Bucket::Week => {
            let w = start.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        Bucket::Month => start.format("%Y-%m").to_string(),
    }
}

/// Age bands of the backlog, in whole days since filing.
pub const AGE_BANDS: &[(&str, i64)] = &[
    ("0-3", 3),
    ("4-7", 7),
    ("8-14", 14),
    ("15-30", 30),
    ("31-60", 60),
    ("61+", i64::MAX),
];

/// The band of an age in whole days.
pub fn age_band(days: i64) -> &'static str {
    AGE_BANDS
        .iter()
        .find(|(_, max)| days <= *max)
        .map(|(name, _)| *name)
        .unwrap_or("61+")
}

/// An id read back from a counter's key, where '' stands for none.
pub fn key_id(part: &str) -> Option<String> {
    Some(part.to_string()).filter(|s| !s.is_empty())
}

/// A place rounded to about 100 m (three decimals of a degree), for "the same place".
pub fn place_key(lat: f64, lng: f64) -> (i64, i64) {
    ((lat * 1000.0).round() as i64, (lng * 1000.0).round() as i64)
}

/// A place key as the text stored in counter keys and place rows: `la:lo`.
pub fn place_cell((la, lo): (i64, i64)) -> String {
    format!("{la}:{lo}")
}

/// The place key of a `place_cell` text; none for anything else.
pub fn parse_place_cell(cell: &str) -> Option<(i64, i64)> {
    let (la, lo) = cell.split_once(':')?;
    Some((la.parse().ok()?, lo.parse().ok()?))
}

/// A period of local days `[from, to]` and the same in UTC, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub start: chrono::NaiveDateTime,
    pub end: chrono::NaiveDateTime,
}

impl Period {
    /// The days asked for in zone `tz`; by default the year up to `today`. At most five years.
    pub fn of(
        tz: Tz,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Period, &'static str> {
        use chrono::Days;
        let to = crate::domain::calendar::in_range(to.unwrap_or(today))?;
        let from = match from {
            Some(d) => crate::domain::calendar::in_range(d)?,
            None => to.checked_sub_days(Days::new(364)).ok_or(OUT_OF_RANGE)?,
        };
        if from > to {
            return Err("from must not be after to");
        }
        if (to - from).num_days() > 5 * 366 {
            return Err("a period spans at most five years");
        }
        let midnight = |d: NaiveDate| {
            crate::domain::calendar::local_midnight(d, tz)
                .ok_or("a day without a midnight in this time zone")
        };
        Ok(Period {
            from,
            to,
            start: midnight(from)?,
            end: midnight(to.checked_add_days(Days::new(1)).ok_or(OUT_OF_RANGE)?)?,
        })
    }

    /// How many local days the period has.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_default_to_the_year_and_are_bounded() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let p = Period::of(chrono_tz::Asia::Jakarta, None, None, day("2026-12-01")).unwrap();
        assert_eq!((p.from, p.to), (day("2025-12-02"), day("2026-12-01")));
        assert_eq!(p.start.to_string(), "2025-12-01 17:00:00");
        assert_eq!(p.end.to_string(), "2026-12-01 17:00:00");
        assert_eq!(p.days(), 365);
        let today = day("2026-12-01");
        assert!(Period::of(chrono_tz::UTC, Some(today), Some(day("2026-11-30")), today).is_err());
        assert!(Period::of(chrono_tz::UTC, Some(day("2020-01-01")), None, today).is_err());
        // The edges of chrono's calendar are refused, not overflowed.
        let (first, last) = (NaiveDate::MIN, NaiveDate::MAX);
        for (from, to) in [
            (None, Some(first)),
            (Some(last), Some(last)),
            (Some(first), None),
        ] {
            assert_eq!(
                Period::of(chrono_tz::UTC, from, to, today).err(),
                Some(OUT_OF_RANGE)
            );
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn age_bands_and_places() {
        assert_eq!(age_band(0), "0-3");
        assert_eq!(age_band(3), "0-3");
        assert_eq!(age_band(4), "4-7");
        assert_eq!(age_band(30), "15-30");
        assert_eq!(age_band(61), "61+");
        assert_eq!(place_key(-6.65831, 107.67719), (-6658, 107677));
        assert_eq!(place_key(-6.65849, 107.6774), place_key(-6.6583, 107.6772));
        assert_eq!(place_cell((-6658, 107677)), "-6658:107677");
        assert_eq!(parse_place_cell("-6658:107677"), Some((-6658, 107677)));
        assert_eq!(parse_place_cell("-6658"), None);
        assert_eq!(parse_place_cell("a:1"), None);
    }

    #[test]
    fn buckets_follow_local_time() {
        let tz = chrono_tz::Asia::Jakarta;
        let label = |s, b| bucket_label(bucket_start(at(s), tz, b), b);
        // 23:30 WIB on 31 January is January; 00:30 WIB on 1 February (17:30 UTC on the 31st)
        // is February, though UTC still says January.
        assert_eq!(label("2026-01-31T23:30:00+07:00", Bucket::Month), "2026-01");
        assert_eq!(label("2026-01-31T17:30:00Z", Bucket::Month), "2026-02");
        assert_eq!(label("2026-01-31T17:30:00Z", Bucket::Day), "2026-02-01");
        // Weeks start on Monday: Sunday 1 February 2026 is in ISO week 5 (from 26 January).
        assert_eq!(
            bucket_start(at("2026-02-01T10:00:00+07:00"), tz, Bucket::Week),
            NaiveDate::from_ymd_opt(2026, 1, 26).unwrap()
        );
        assert_eq!(label("2026-02-01T10:00:00+07:00", Bucket::Week), "2026-W05");
        // ISO week-years: 1 January 2027 (Friday) is in 2026-W53.
        assert_eq!(label("2027-01-01T10:00:00+07:00", Bucket::Week), "2026-W53");
    }
}
