//! PIC duties as data: the patrol slots (13:00, 17:00 and 19:00 local by default, each with a
//! window of ±60 minutes) and which slot day a patrol belongs to. Nothing here does I/O.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::reference::text_enum;

text_enum!(
    /// What a PIC posted.
    ActivityKind {
        /// A repost of a leadership account's post.
        Repost => "repost",
        /// The agency's own content about its work.
        Content => "content",
    }
);

/// A patrol slot of the day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// How PICs name it; by default its time (`13:00`).
    #[schema(example = "13:00")]
    pub name: String,
    /// Local time of day, `HH:MM`.
    #[schema(example = "13:00")]
    pub at: String,
    /// Minutes before and after `at` in which a check-in counts.
    #[schema(example = 60)]
    pub window_minutes: i32,
}

/// The slots of the regent's instruction: 13:00, 17:00 and 19:00, ±60 minutes.
pub fn default_slots() -> Vec<Slot> {
    ["13:00", "17:00", "19:00"]
        .into_iter()
        .map(|t| Slot {
            name: t.to_string(),
            at: t.to_string(),
            window_minutes: 60,
        })
        .collect()
}

/// A `HH:MM` time of day.
pub fn parse_time(at: &str) -> Option<NaiveTime> {
    if at.len() != 5 {
        return None;
    }
    NaiveTime::parse_from_str(at, "%H:%M").ok()
}

/// Checks a set of slots: names 1–20 characters and distinct, `HH:MM` times, windows of 1 to
/// 720 minutes. Gives `(index, field, message)` for the first problem.
pub fn check_slots(slots: &[Slot]) -> Result<(), (usize, &'static str, String)> {
    if slots.is_empty() || slots.len() > 24 {
        return Err((0, "slots", "must hold 1 to 24 slots".into()));
    }
    for (i, s) in slots.iter().enumerate() {
        let n = s.name.trim().chars().count();
        if n == 0 || n > 20 {
            return Err((i, "name", "must have 1 to 20 characters".into()));
        }
        if slots[..i].iter().any(|o| o.name.trim() == s.name.trim()) {
            return Err((i, "name", format!("'{}' is named twice", s.name.trim())));
        }
        if parse_time(&s.at).is_none() {
            return Err((i, "at", "must be a time of day such as 13:00".into()));
        }
        if !(1..=720).contains(&s.window_minutes) {
            return Err((i, "window_minutes", "must be from 1 to 720".into()));
        }
    }
    Ok(())
}

text_enum!(
    /// Why a check-in does not fit its slot.
    SlotMiss {
        /// No slot of that name.
        UnknownSlot => "unknown_slot",
        /// Outside every window of the slot.
        OutsideWindow => "outside_window",
        /// In the future.
        InFuture => "in_future",
    }
);

/// The local day whose `slot` window holds `started` (the day before or after is looked at too,
/// for windows that cross midnight); a patrol more than a minute ahead of `now` is refused.
pub fn slot_day(
    slot: &Slot,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<NaiveDate, SlotMiss> {
    if started > now + Duration::minutes(1) {
        return Err(SlotMiss::InFuture);
    }
    let at = parse_time(&slot.at).ok_or(SlotMiss::UnknownSlot)?;
    let window = Duration::minutes(slot.window_minutes as i64);
    let local_day = started.with_timezone(&tz).date_naive();
    for day in [
        local_day,
        local_day.pred_opt().unwrap_or(local_day),
        local_day.succ_opt().unwrap_or(local_day),
    ] {
        let Some(centre) = tz.from_local_datetime(&day.and_time(at)).earliest() else {
            continue;
        };
        let centre = centre.with_timezone(&Utc);
        if started >= centre - window && started <= centre + window {
            return Ok(day);
        }
    }
    Err(SlotMiss::OutsideWindow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn windows_are_local_and_inclusive() {
        let tz = chrono_tz::Asia::Jakarta;
        let slots = default_slots();
        let now = at("2026-11-30T00:00:00Z");
        let one = &slots[0];
        let d = |s| slot_day(one, at(s), now, tz);
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        // 13:00 WIB is 06:00 UTC; the window is 12:00–14:00 WIB, both ends included.
        assert_eq!(d("2026-11-28T13:00:00+07:00"), Ok(day));
        assert_eq!(d("2026-11-28T12:00:00+07:00"), Ok(day));
        assert_eq!(d("2026-11-28T14:00:00+07:00"), Ok(day));
        assert_eq!(d("2026-11-28T14:00:01+07:00"), Err(SlotMiss::OutsideWindow));
        assert_eq!(d("2026-11-28T11:59:59+07:00"), Err(SlotMiss::OutsideWindow));
        assert_eq!(d("2026-11-28T06:30:00Z"), Ok(day));
        // The 19:00 slot at 19:50 WIB is 12:50 UTC: still the 28th.
        assert_eq!(
            slot_day(&slots[2], at("2026-11-28T12:50:00Z"), now, tz),
            Ok(day)
        );
        // In the future.
        assert_eq!(
            slot_day(one, at("2026-11-30T06:00:00Z"), now, tz),
            Err(SlotMiss::InFuture)
        );
    }

    #[test]
    fn a_window_across_midnight_belongs_to_its_slot_day() {
        let tz = chrono_tz::Asia::Jakarta;
        let late = Slot {
            name: "23:30".into(),
            at: "23:30".into(),
            window_minutes: 60,
        };
        let now = at("2026-12-01T00:00:00Z");
        // 00:20 WIB on the 29th is within 23:30 ± 60 of the 28th.
        assert_eq!(
            slot_day(&late, at("2026-11-29T00:20:00+07:00"), now, tz),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap())
        );
    }

    #[test]
    fn slot_sets_are_checked() {
        assert!(check_slots(&default_slots()).is_ok());
        let mut s = default_slots();
        s[1].name = "13:00".into();
        assert_eq!(check_slots(&s).unwrap_err().1, "name");
        let mut s = default_slots();
        s[0].at = "1pm".into();
        assert_eq!(check_slots(&s).unwrap_err().1, "at");
        let mut s = default_slots();
        s[2].window_minutes = 0;
        assert_eq!(check_slots(&s).unwrap_err().1, "window_minutes");
        assert!(check_slots(&[]).is_err());
        assert_eq!(parse_time("7:00"), None);
        assert_eq!(parse_time("24:00"), None);
    }
}
