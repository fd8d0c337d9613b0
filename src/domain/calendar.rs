//! Working-day calendars and the one due-time function every SLA clock uses (issue 4).
//!
//! A working-day target ends at 23:59:59 local time of the n-th working day after the start
//! day; a calendar-day target at 23:59:59 of the n-th day after the start day; hours and minutes
//! are elapsed time. Weekends follow the jurisdiction's working week; national holidays, cuti
//! bersama and local holidays are all days off.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::reference::text_enum;

text_enum!(
    /// Which days are working days.
    WorkWeek {
        /// Monday to Friday (the default for government offices).
        MonFri => "mon_fri",
        /// Monday to Saturday.
        MonSat => "mon_sat",
    }
);

text_enum!(
    /// Why a day is off.
    HolidayKind {
        /// Hari libur nasional.
        National => "national",
        /// Cuti bersama: collective leave decreed with the national holidays.
        CutiBersama => "cuti_bersama",
        /// A day off of the kabupaten/kota only.
        Local => "local",
    }
);

text_enum!(
    /// The unit of an SLA target.
    TargetUnit {
        WorkingDays => "working_days",
        CalendarDays => "calendar_days",
        Hours => "hours",
        Minutes => "minutes",
    }
);

/// A jurisdiction's calendar: its zone, working week and days off.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: Tz,
    pub week: WorkWeek,
    pub holidays: BTreeSet<NaiveDate>,
}

/// Longest search for working days, so that a calendar with every day off cannot loop forever.
const MAX_DAYS: u32 = 3660;

/// Targets beyond this are refused (ten years in any unit is no service-level target).
pub const MAX_TARGET_MINUTES: i64 = 10 * 366 * 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DueError {
    #[error("the target must be from 0 to ten years")]
    TargetOutOfRange,
    #[error("the calendar has no working day in the next ten years")]
    NoWorkingDay,
}

impl Calendar {
    pub fn new(tz: Tz, week: WorkWeek, holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Calendar {
            tz,
            week,
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        let weekend = matches!(
            (self.week, day.weekday()),
            (_, Weekday::Sun) | (WorkWeek::MonFri, Weekday::Sat)
        );
        !weekend && !self.holidays.contains(&day)
    }

    /// The working days after `from` up to and including `to` (0 when both are the same day
    /// or `to` is earlier): "fixed in 3 working days".
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count() as i64
    }

    /// 23:59:59 local time of `day`, as an instant.
    fn end_of(&self, day: NaiveDate) -> DateTime<Tz> {
        let local = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
        // Zones with a gap at midnight do not exist at 23:59:59; take the latest valid instant.
        self.tz
            .from_local_datetime(&local)
            .latest()
            .unwrap_or_else(|| self.tz.from_utc_datetime(&local))
    }

    /// When a target of `target` `unit`s started at `start` falls due, in the calendar's zone.
    pub fn due_at(
        &self,
        start: DateTime<Utc>,
        target: i64,
        unit: TargetUnit,
    ) -> Result<DateTime<Tz>, DueError> {
        let minutes = match unit {
            TargetUnit::Minutes => target,
            TargetUnit::Hours => target.saturating_mul(60),
            TargetUnit::CalendarDays | TargetUnit::WorkingDays => target.saturating_mul(24 * 60),
        };
        if !(0..=MAX_TARGET_MINUTES).contains(&minutes) {
            return Err(DueError::TargetOutOfRange);
        }
        let start_day = start.with_timezone(&self.tz).date_naive();
        match unit {
            TargetUnit::Minutes | TargetUnit::Hours => {
                Ok((start + Duration::minutes(minutes)).with_timezone(&self.tz))
            }
            TargetUnit::CalendarDays => Ok(self.end_of(start_day + Duration::days(target))),
            TargetUnit::WorkingDays => {
                let mut day = start_day;
                let mut counted = 0;
                let mut steps = 0;
                while counted < target {
                    day = day.succ_opt().ok_or(DueError::NoWorkingDay)?;
                    steps += 1;
                    if steps > MAX_DAYS {
                        return Err(DueError::NoWorkingDay);
                    }
                    if self.is_working_day(day) {
                        counted += 1;
                    }
                }
                Ok(self.end_of(day))
            }
        }
    }
}

/// One row of a holiday list such as `seed/id-holidays-2025-2026.csv` (`date,kind,name,source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub name: String,
}

/// The local day of a UTC moment (stored times are naive UTC).
/// The day `d` when it lies within years 1 to 9999 — the four-digit years of ISO 8601 and RFC
/// 3339, the days aduan reasons about. A day outside them is refused where it enters, so no
/// date arithmetic can overflow.
pub fn in_range(d: NaiveDate) -> Result<NaiveDate, &'static str> {
    if (1..=9999).contains(&d.year()) {
        Ok(d)
    } else {
        Err(OUT_OF_RANGE)
    }
}

/// Why a day outside years 1 to 9999 is refused.
pub const OUT_OF_RANGE: &str = "dates run from 0001-01-01 to 9999-12-31";

pub fn local_day(at: chrono::NaiveDateTime, tz: Tz) -> NaiveDate {
    tz.from_utc_datetime(&at).date_naive()
}

/// The UTC instant a local day starts (its earliest midnight; none for a day without one).
pub fn local_midnight(day: NaiveDate, tz: Tz) -> Option<chrono::NaiveDateTime> {
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.naive_utc())
}

/// The UTC instants `[start, end)` of local day `day` (none where the zone has no such day).
pub fn local_day_bounds(
    day: NaiveDate,
    tz: Tz,
) -> Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
    Some((
        local_midnight(day, tz)?,
        local_midnight(day.succ_opt()?, tz)?,
    ))
}

/// Local days `[first, last]`.
pub type Span = (NaiveDate, NaiveDate);

/// `[from, to]` as the first days of the whole months inside it (none when there is none)
/// and the spans of days before and after them.
pub fn split_months(from: NaiveDate, to: NaiveDate) -> (Vec<Span>, Option<Span>) {
    let first_of = |d: NaiveDate| chrono::Datelike::with_day(&d, 1).unwrap_or(d);
    // The first whole month starts on `from` if it is a first, else the month after.
    let start = if chrono::Datelike::day(&from) == 1 {
        Some(from)
    } else {
        first_of(from).checked_add_months(chrono::Months::new(1))
    };
    // The month after the last whole one starts the day after `to` if that is a first.
    let end = to.succ_opt().map(|next| {
        if chrono::Datelike::day(&next) == 1 {
            next
        } else {
            first_of(to)
        }
    });
    match (start, end) {
        (Some(s), Some(e)) if s < e => {
            let last_month = e.checked_sub_months(chrono::Months::new(1)).unwrap_or(s);
            let mut days = Vec::new();
            if from < s {
                days.push((from, s.pred_opt().unwrap_or(s)));
            }
            if e <= to {
                days.push((e, to));
            }
            (days, Some((s, last_month)))
        }
        _ => (vec![(from, to)], None),
    }
}

/// Parses a holiday CSV with the header `date,kind,name[,source]`. Gives the first bad row with
/// its line number.
pub fn parse_holidays_csv(text: &str) -> Result<Vec<Holiday>, String> {
    #[derive(serde::Deserialize)]
    struct Row {
        date: String,
        kind: String,
        name: String,
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    if headers.iter().take(3).collect::<Vec<_>>() != ["date", "kind", "name"] {
        return Err("line 1: the header must be date,kind,name[,source]".into());
    }
    let mut out = vec![];
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(0, |p| p.line());
        let at = |m: String| format!("line {line}: {m}");
        let row: Row = record
            .deserialize(Some(&headers))
            .map_err(|e| at(e.to_string()))?;
        let date = NaiveDate::parse_from_str(&row.date, "%Y-%m-%d")
            .map_err(|_| at(format!("'{}' is not a date like 2025-08-17", row.date)))?;
        let kind = HolidayKind::parse(&row.kind).ok_or_else(|| {
            at(format!(
                "'{}' is not national, cuti_bersama or local",
                row.kind
            ))
        })?;
        if row.name.is_empty() {
            return Err(at("the name is empty".into()));
        }
        out.push(Holiday {
            date,
            kind,
            name: row.name,
        });
    }
    Ok(out)
}

/// Longest all-day event taken from an iCalendar feed (a longer one is not a holiday).
pub const MAX_ICAL_EVENT_DAYS: i64 = 14;

/// Holidays from an iCalendar (RFC 5545) text: each `VEVENT` gives its `SUMMARY` for every day
/// from `DTSTART` up to (not including) an all-day `DTEND`. Times in UTC are read in `tz`.
/// A summary that says "cuti bersama" is of that kind, every other one of `kind`.
pub fn parse_ical(text: &str, tz: Tz, kind: HolidayKind) -> Result<Vec<Holiday>, String> {
    use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
    let cal: icalendar::Calendar = text.parse().map_err(|e: String| {
        format!("not an iCalendar text: {}", e.lines().next().unwrap_or(""))
    })?;
    let day = |d: &DatePerhapsTime| match d {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => t.with_timezone(&tz).date_naive(),
        other => other.date_naive(),
    };
    let mut out = Vec::new();
    for (i, c) in cal.components.iter().enumerate() {
        let CalendarComponent::Event(e) = c else {
            continue;
        };
        let n = i + 1;
        let name = e
            .get_summary()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("event {n} has no SUMMARY"))?;
        let start = e
            .get_start()
            .ok_or_else(|| format!("event {n} ({name}) has no DTSTART"))?;
        let first = day(&start);
        let days = match (&start, e.get_end()) {
            (DatePerhapsTime::Date(_), Some(end @ DatePerhapsTime::Date(_))) => {
                (day(&end) - first).num_days().max(1)
            }
            _ => 1,
        };
        if days > MAX_ICAL_EVENT_DAYS {
            return Err(format!(
                "event {n} ({name}) lasts {days} days; holidays last at most {MAX_ICAL_EVENT_DAYS}"
            ));
        }
        let kind = if name.to_lowercase().contains("cuti bersama") {
            HolidayKind::CutiBersama
        } else {
            kind
        };
        for k in 0..days {
            out.push(Holiday {
                date: first + chrono::Days::new(k as u64),
                kind,
                name: name.clone(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    mod months {
        use super::super::split_months;
        use chrono::NaiveDate;

        fn d(s: &str) -> NaiveDate {
            s.parse().unwrap()
        }

        #[test]
        fn a_period_splits_into_whole_months_and_days_around() {
            assert_eq!(
                split_months(d("2026-01-15"), d("2026-04-10")),
                (
                    vec![
                        (d("2026-01-15"), d("2026-01-31")),
                        (d("2026-04-01"), d("2026-04-10"))
                    ],
                    Some((d("2026-02-01"), d("2026-03-01")))
                )
            );
            assert_eq!(
                split_months(d("2026-02-01"), d("2026-02-28")),
                (vec![], Some((d("2026-02-01"), d("2026-02-01"))))
            );
            assert_eq!(
                split_months(d("2026-02-02"), d("2026-02-27")),
                (vec![(d("2026-02-02"), d("2026-02-27"))], None)
            );
            assert_eq!(
                split_months(d("2025-12-02"), d("2026-12-01")),
                (
                    vec![
                        (d("2025-12-02"), d("2025-12-31")),
                        (d("2026-12-01"), d("2026-12-01"))
                    ],
                    Some((d("2026-01-01"), d("2026-11-01")))
                )
            );
            assert_eq!(
                split_months(d("2026-03-01"), d("2026-03-01")),
                (vec![(d("2026-03-01"), d("2026-03-01"))], None)
            );
        }
    }

    use super::*;

    #[test]
    fn local_days_are_in_the_zone() {
        let at = NaiveDate::from_ymd_opt(2026, 1, 31)
            .unwrap()
            .and_hms_opt(16, 30, 0)
            .unwrap();
        // 23:30 WIB on 31 January.
        assert_eq!(
            local_day(at, chrono_tz::Asia::Jakarta),
            NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()
        );
        // 00:30 WITA on 1 February.
        assert_eq!(
            local_day(at, chrono_tz::Asia::Makassar),
            NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
        );
    }

    const BUNDLED: &str = include_str!("../../seed/id-holidays-2025-2026.csv");

    fn subang(week: WorkWeek) -> Calendar {
        let days = parse_holidays_csv(BUNDLED)
            .unwrap()
            .into_iter()
            .map(|h| h.date);
        Calendar::new(chrono_tz::Asia::Jakarta, week, days)
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// Due times computed by hand from the 2025–2026 SKB calendar.
    #[test]
    fn hand_computed_due_times() {
        use TargetUnit::*;
        use WorkWeek::*;
        let cases: &[(WorkWeek, &str, i64, TargetUnit, &str, &str)] = &[
            // The example: 17 Aug (Sunday, national) and 18 Aug (cuti bersama) are off.
            (
                MonFri,
                "2025-08-15T10:00:00+07:00",
                3,
                WorkingDays,
                "2025-08-21T23:59:59+07:00",
                "issue example",
            ),
            // Plain weekend: Friday + 1 working day is Monday.
            (
                MonFri,
                "2025-09-12T16:00:00+07:00",
                1,
                WorkingDays,
                "2025-09-15T23:59:59+07:00",
                "over a weekend",
            ),
            // A six-day week counts Saturday.
            (
                MonSat,
                "2025-09-12T16:00:00+07:00",
                1,
                WorkingDays,
                "2025-09-13T23:59:59+07:00",
                "six-day week",
            ),
            // Starting on a holiday (17 Aug 2025, a Sunday): days after it count.
            (
                MonFri,
                "2025-08-17T09:00:00+07:00",
                1,
                WorkingDays,
                "2025-08-19T23:59:59+07:00",
                "starts on a holiday",
            ),
            // Late evening in Jakarta is already the next UTC day only in UTC: the local day counts.
            (
                MonFri,
                "2025-09-08T23:30:00+07:00",
                1,
                WorkingDays,
                "2025-09-09T23:59:59+07:00",
                "late evening",
            ),
            (
                MonFri,
                "2025-09-08T16:30:00Z",
                1,
                WorkingDays,
                "2025-09-09T23:59:59+07:00",
                "same instant in UTC",
            ),
            // Year end: 25–26 Dec (Christmas, cuti bersama), 31 Dec is a Wednesday, 1 Jan 2026 off.
            (
                MonFri,
                "2025-12-24T10:00:00+07:00",
                2,
                WorkingDays,
                "2025-12-30T23:59:59+07:00",
                "Christmas",
            ),
            (
                MonFri,
                "2025-12-30T10:00:00+07:00",
                2,
                WorkingDays,
                "2026-01-02T23:59:59+07:00",
                "year end",
            ),
            // Idul Fitri 2025: 31 Mar–1 Apr national, 28 Mar and 2–7 Apr cuti bersama.
            (
                MonFri,
                "2025-03-27T10:00:00+07:00",
                1,
                WorkingDays,
                "2025-04-08T23:59:59+07:00",
                "Lebaran",
            ),
            (
                MonFri,
                "2025-03-27T10:00:00+07:00",
                5,
                WorkingDays,
                "2025-04-14T23:59:59+07:00",
                "Lebaran, five days",
            ),
            // Calendar days ignore holidays.
            (
                MonFri,
                "2025-08-15T10:00:00+07:00",
                3,
                CalendarDays,
                "2025-08-18T23:59:59+07:00",
                "calendar days",
            ),
            (
                MonFri,
                "2025-12-01T08:00:00+07:00",
                60,
                CalendarDays,
                "2026-01-30T23:59:59+07:00",
                "60 days",
            ),
            // Hours and minutes are elapsed time.
            (
                MonFri,
                "2025-08-15T10:00:00+07:00",
                24,
                Hours,
                "2025-08-16T10:00:00+07:00",
                "24 hours",
            ),
            (
                MonFri,
                "2025-08-15T23:50:00+07:00",
                30,
                Minutes,
                "2025-08-16T00:20:00+07:00",
                "minutes",
            ),
            // Zero working days: the end of the start day.
            (
                MonFri,
                "2025-09-08T09:00:00+07:00",
                0,
                WorkingDays,
                "2025-09-08T23:59:59+07:00",
                "zero",
            ),
        ];
        for (week, start, n, unit, due, what) in cases {
            let got = subang(*week).due_at(at(start), *n, *unit).unwrap();
            assert_eq!(got.to_rfc3339(), *due, "{what}");
        }
    }

    #[test]
    fn the_bundled_list_reads() {
        let days = parse_holidays_csv(BUNDLED).unwrap();
        assert_eq!(days.len(), 53);
        let aug18 = NaiveDate::from_ymd_opt(2025, 8, 18).unwrap();
        assert!(days
            .iter()
            .any(|h| h.date == aug18 && h.kind == HolidayKind::CutiBersama));
        assert!(!subang(WorkWeek::MonFri).is_working_day(aug18));
    }

    #[test]
    fn bad_input() {
        let cal = subang(WorkWeek::MonFri);
        let start = at("2025-08-15T10:00:00+07:00");
        assert_eq!(
            cal.due_at(start, -1, TargetUnit::Hours),
            Err(DueError::TargetOutOfRange)
        );
        assert_eq!(
            cal.due_at(start, i64::MAX, TargetUnit::WorkingDays),
            Err(DueError::TargetOutOfRange)
        );
        // Every day off: no loop without end.
        let all_off = Calendar::new(
            chrono_tz::Asia::Jakarta,
            WorkWeek::MonSat,
            (0..4000).map(|d| NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Duration::days(d)),
        );
        assert_eq!(
            all_off.due_at(start, 1, TargetUnit::WorkingDays),
            Err(DueError::NoWorkingDay)
        );
        assert!(parse_holidays_csv("when,what\n").is_err());
        let e = parse_holidays_csv("date,kind,name\n2025-02-30,national,X\n").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
        let e = parse_holidays_csv("date,kind,name\n2025-02-03,party,X\n").unwrap_err();
        assert!(e.contains("party"), "{e}");
        let quoted =
            parse_holidays_csv("date,kind,name\n2025-02-03,local,\"Hari Jadi, Subang\"\n").unwrap();
        assert_eq!(quoted[0].name, "Hari Jadi, Subang");
    }

    #[test]
    fn ical_feeds() {
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20260320\r\nDTEND;VALUE=DATE:20260322\r\nSUMMARY:Idul Fitri 1447 H\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20260323\r\nSUMMARY:Cuti Bersama Idul Fitri\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20261231T200000Z\r\nSUMMARY:Hari Jadi (UTC evening)\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
        let got = parse_ical(text, chrono_tz::Asia::Jakarta, HolidayKind::National).unwrap();
        let days: Vec<(String, HolidayKind)> =
            got.iter().map(|h| (h.date.to_string(), h.kind)).collect();
        assert_eq!(
            days,
            vec![
                ("2026-03-20".to_string(), HolidayKind::National),
                ("2026-03-21".to_string(), HolidayKind::National),
                ("2026-03-23".to_string(), HolidayKind::CutiBersama),
                // 20:00 UTC on 31 December is 03:00 WIB on 1 January.
                ("2027-01-01".to_string(), HolidayKind::National),
            ]
        );
        assert!(parse_ical("hello", chrono_tz::Asia::Jakarta, HolidayKind::Local).is_err());
        let no_summary = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let e = parse_ical(no_summary, chrono_tz::Asia::Jakarta, HolidayKind::Local).unwrap_err();
        assert!(e.contains("SUMMARY"), "{e}");
    }

    #[test]
    fn counts_working_days_between_two_days() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let cal = Calendar::new(
            chrono_tz::Asia::Jakarta,
            WorkWeek::MonFri,
            [d("2026-12-25")],
        );
        // Filed on Monday, fixed on Thursday: three working days.
        assert_eq!(
            cal.working_days_between(d("2026-11-30"), d("2026-12-03")),
            3
        );
        assert_eq!(
            cal.working_days_between(d("2026-11-30"), d("2026-11-30")),
            0
        );
        assert_eq!(
            cal.working_days_between(d("2026-12-03"), d("2026-11-30")),
            0
        );
        // Friday to Monday crosses a weekend; a holiday does not count.
        assert_eq!(
            cal.working_days_between(d("2026-12-04"), d("2026-12-07")),
            1
        );
        assert_eq!(
            cal.working_days_between(d("2026-12-24"), d("2026-12-28")),
            1
        );
        let six = Calendar::new(chrono_tz::Asia::Jakarta, WorkWeek::MonSat, []);
        assert_eq!(
            six.working_days_between(d("2026-12-04"), d("2026-12-07")),
            2
        );
    }
}
