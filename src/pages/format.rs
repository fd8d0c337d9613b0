//! How the console writes times and deadlines in Bahasa Indonesia: "Senin, 1 Desember 2026,
//! 13.05 WIB", "sisa 3 jam", "terlambat 2 hari".

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

use crate::domain::calendar::Calendar;

const DAYS: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];
const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// "Senin, 1 Desember 2026, 13.05 WIB" in the time zone `tz`.
pub fn date_time(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{}, {}, {:02}.{:02} {}",
        DAYS[local.weekday().num_days_from_monday() as usize],
        date_of(local.day(), local.month(), local.year()),
        local.hour(),
        local.minute(),
        local.format("%Z"),
    )
}

/// "Senin, 30 November 2026".
pub fn day(d: chrono::NaiveDate) -> String {
    format!(
        "{}, {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        date_of(d.day(), d.month(), d.year())
    )
}

/// A period: "16 – 29 November 2026", "30 November – 13 Desember 2026",
/// "29 Desember 2025 – 11 Januari 2026".
pub fn span(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    let month = |d: chrono::NaiveDate| MONTHS[d.month0() as usize];
    if from.year() != to.year() {
        format!(
            "{} – {}",
            date_of(from.day(), from.month(), from.year()),
            date_of(to.day(), to.month(), to.year())
        )
    } else if from.month() != to.month() {
        format!(
            "{} {} – {}",
            from.day(),
            month(from),
            date_of(to.day(), to.month(), to.year())
        )
    } else {
        format!(
            "{} – {}",
            from.day(),
            date_of(to.day(), to.month(), to.year())
        )
    }
}

fn date_of(day: u32, month: u32, year: i32) -> String {
    format!("{day} {} {year}", MONTHS[(month as usize + 11) % 12])
}

/// How a deadline stands at `now`, for a badge: what it says and whether it is late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub text: String,
    pub late: bool,
}

/// "sisa 3 jam" before `due`; after it "terlambat 2 hari kerja" when whole working days of
/// `cal` have passed since (the day it fell due and today not counted). Otherwise the largest
/// whole unit of the time left or over: hari, jam, menit (under a minute counts as one).
pub fn due(due: DateTime<Utc>, now: DateTime<Utc>, cal: &Calendar) -> Due {
    let late = due < now;
    let minutes = (due - now).num_minutes().unsigned_abs().max(1);
    let working = if late {
        working_days_between(due, now, cal)
    } else {
        0
    };
    let span = if working > 0 {
        format!("{working} hari kerja")
    } else if minutes >= 24 * 60 {
        format!("{} hari", minutes / (24 * 60))
    } else if minutes >= 60 {
        format!("{} jam", minutes / 60)
    } else {
        format!("{minutes} menit")
    };
    Due {
        text: if late {
            format!("terlambat {span}")
        } else {
            format!("sisa {span}")
        },
        late,
    }
}

/// Working days of `cal` after the local day of `from` up to the local day before `to` (whole
/// working days missed), at most a year's.
fn working_days_between(from: DateTime<Utc>, to: DateTime<Utc>, cal: &Calendar) -> u32 {
    let (first, today) = (
        from.with_timezone(&cal.tz).date_naive(),
        to.with_timezone(&cal.tz).date_naive(),
    );
    first
        .iter_days()
        .skip(1)
        .take_while(|d| *d < today)
        .take(366)
        .filter(|d| cal.is_working_day(*d))
        .count() as u32
}

/// A number with one decimal as Indonesians write it: "87,5".
pub fn decimal(v: f64) -> String {
    format!("{:.1}", (v * 10.0).round() / 10.0).replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_read_as_in_indonesia() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 6, 5, 0).unwrap();
        assert_eq!(
            date_time(at, chrono_tz::Asia::Jakarta),
            "Selasa, 1 Desember 2026, 13.05 WIB"
        );
        assert_eq!(
            date_time(at, chrono_tz::Asia::Makassar),
            "Selasa, 1 Desember 2026, 14.05 WITA"
        );
        assert_eq!(
            date_time(at, chrono_tz::Asia::Jayapura),
            "Selasa, 1 Desember 2026, 15.05 WIT"
        );
        let late = Utc.with_ymd_and_hms(2026, 1, 4, 18, 0, 0).unwrap();
        assert_eq!(
            date_time(late, chrono_tz::Asia::Jakarta),
            "Senin, 5 Januari 2026, 01.00 WIB"
        );
    }

    #[test]
    fn deadlines_in_words() {
        use crate::domain::calendar::WorkWeek;
        let cal = Calendar::new(chrono_tz::Asia::Jakarta, WorkWeek::MonFri, []);
        // Tuesday 1 December 2026, 13.00 WIB.
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 6, 0, 0).unwrap();
        let h = chrono::Duration::hours;
        assert_eq!(due(now + h(3), now, &cal).text, "sisa 3 jam");
        assert_eq!(due(now + h(50), now, &cal).text, "sisa 2 hari");
        assert_eq!(due(now - h(5), now, &cal).text, "terlambat 5 jam");
        // Due Thursday 26 November: Friday 27 and Monday 30 have passed (the weekend not).
        let thursday = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let late = due(thursday, now, &cal);
        assert_eq!(late.text, "terlambat 2 hari kerja");
        assert!(late.late);
        // Due Friday 27 November: only Monday 30 has passed.
        let friday = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        assert_eq!(due(friday, now, &cal).text, "terlambat 1 hari kerja");
        let holiday = Calendar::new(
            chrono_tz::Asia::Jakarta,
            WorkWeek::MonFri,
            [chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()],
        );
        // No working day missed (Monday was a holiday): calendar days.
        assert_eq!(due(friday, now, &holiday).text, "terlambat 3 hari");
        assert_eq!(
            due(now + chrono::Duration::seconds(20), now, &cal).text,
            "sisa 1 menit"
        );
        assert_eq!(
            due(now + chrono::Duration::minutes(59), now, &cal).text,
            "sisa 59 menit"
        );
    }
}
