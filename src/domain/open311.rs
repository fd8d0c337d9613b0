//! Open311 GeoReport v2 as rules: how aduan's statuses and actions read to an Open311 client,
//! the date window and paging of a request list, and the text of its notes. Pure; the facade in
//! `crate::open311` shapes HTTP around it.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

use super::calendar::TargetUnit;
use super::lifecycle::{Action, Status};
use super::sla::{Clock, ClockTarget};

/// The longest span a request or update list may cover, and its default.
pub const MAX_SPAN_DAYS: i64 = 90;
/// The largest page (and the default): "the first 1,000".
pub const MAX_PAGE_SIZE: i64 = 1000;
/// The most ids one `service_request_id` list may name.
pub const MAX_IDS: usize = 200;
/// The longest description a request may carry.
pub const MAX_DESCRIPTION: usize = 4000;

/// Open311's two statuses: every open state is `open`, every terminal one `closed`.
pub fn status(s: Status) -> &'static str {
    if s.is_open() {
        "open"
    } else {
        "closed"
    }
}

/// Which statuses an Open311 `status` filter value means.
pub fn statuses_named(name: &str) -> Option<Vec<Status>> {
    match name {
        "open" => Some(Status::OPEN.to_vec()),
        "closed" => Some(
            Status::ALL
                .iter()
                .copied()
                .filter(|s| !s.is_open())
                .collect(),
        ),
        _ => None,
    }
}

/// What a note about a ticket may say: only what is public.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoteFacts<'a> {
    /// Name of the agency handling it.
    pub agency: Option<&'a str>,
    /// Where it was referred (the `refer` action's `to`).
    pub referred_to: Option<&'a str>,
    /// Tracking code of the ticket it duplicates.
    pub merged_into: Option<&'a str>,
    /// Rejected because the reporter's information did not come in time.
    pub withdrawn: bool,
    /// Waiting for the reporter's information.
    pub on_hold: bool,
}

/// `status_notes`: which open or closed state a ticket is in, in words.
pub fn status_notes(s: Status, f: &NoteFacts) -> String {
    let agency = f.agency.unwrap_or("the agency responsible");
    let mut note = match s {
        Status::New => "received; waiting to be sent to the agency responsible".to_string(),
        Status::Returned => {
            "sent back as outside the agency's duties; being routed again".to_string()
        }
        Status::Routed => format!("sent to {agency}"),
        Status::Assigned => format!("assigned to a team of {agency}"),
        Status::InProgress => format!("being worked on in the field by {agency}"),
        Status::Resolved => format!("worked on by {agency}; the public reply follows"),
        Status::Closed => "resolved; the public reply was published".to_string(),
        Status::Rejected if f.withdrawn => {
            "closed: the information asked of the reporter did not come in time".to_string()
        }
        Status::Rejected => {
            "closed without action: not a complaint, or too little to act on".to_string()
        }
        Status::Referred => match f.referred_to {
            Some(to) => format!("referred elsewhere: a matter for {to}"),
            None => "referred elsewhere: a matter for a body outside local government".into(),
        },
        Status::Merged => match f.merged_into {
            Some(code) => format!("duplicate of {code}"),
            None => "duplicate of another request".to_string(),
        },
    };
    if f.on_hold && s.is_open() {
        note.push_str("; waiting for information from the reporter");
    }
    note
}

/// `service_notice`: what the reporter may expect, from the category's resolve target.
pub fn service_notice(policy: &[ClockTarget]) -> Option<String> {
    let t = policy
        .iter()
        .find(|t| t.clock == Clock::Resolve && t.enabled)?;
    let unit = match t.unit {
        TargetUnit::WorkingDays => "working days",
        TargetUnit::CalendarDays => "days",
        TargetUnit::Hours => "hours",
        TargetUnit::Minutes => "minutes",
    };
    let unit = if t.target == 1 {
        unit.trim_end_matches('s')
    } else {
        unit
    };
    Some(format!(
        "to be resolved within {} {unit} of reaching the agency responsible",
        t.target
    ))
}

/// The mySociety extension's status of an update, for the actions that change what a
/// reporter sees; `None` for actions that are not published as updates.
pub fn update_status(action: Action) -> Option<&'static str> {
    Some(match action {
        Action::File => "open",
        Action::Route | Action::Assign => "action_scheduled",
        Action::Return => "investigating",
        Action::Start | Action::Reopen => "in_progress",
        Action::Resolve | Action::Close => "fixed",
        Action::Reject | Action::Withdraw => "no_further_action",
        Action::Refer => "not_councils_responsibility",
        Action::Merge => "duplicate",
        Action::Visit | Action::Reply | Action::Hold | Action::Resume | Action::SlaBreached => {
            return None
        }
    })
}

/// The actions published as updates.
pub fn published_actions() -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| update_status(*a).is_some())
        .collect()
}

/// A W3C date and time (`2026-01-31T08:00:00+07:00`, `…Z`); a bare date means the start of
/// that day in the jurisdiction's zone.
pub fn parse_datetime<Tz: TimeZone>(raw: &str, zone: &Tz) -> Option<DateTime<Utc>> {
    // W3C dates have four-digit years; chrono would read a sign and six digits as well.
    let four_digit_year = raw
        .get(..4)
        .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
        && raw.as_bytes().get(4) == Some(&b'-');
    if !four_digit_year {
        return None;
    }
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_rfc3339(raw) {
        return Some(t.to_utc());
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    zone.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.to_utc())
}

/// The span a list covers: both ends given (at most 90 days apart), one end (90 days from it),
/// or neither (the last 90 days).
pub fn window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let span = Duration::days(MAX_SPAN_DAYS);
    let late = || "dates run from 0001-01-01 to 9999-12-31".to_string();
    let (from, to) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, s.checked_add_signed(span).ok_or_else(late)?),
        (None, Some(e)) => (e.checked_sub_signed(span).ok_or_else(late)?, e),
        (None, None) => (now - span, now),
    };
    if from > to {
        return Err("start_date is after end_date".to_string());
    }
    if to - from > span {
        return Err(format!(
            "start_date and end_date may be at most {MAX_SPAN_DAYS} days apart"
        ));
    }
    Ok((from, to))
}

/// `page` (from 1) and `page_size` (1 to 1,000; 1,000 when absent).
pub fn paging(page: Option<&str>, page_size: Option<&str>) -> Result<(i64, i64), String> {
    let page = match page {
        None => 1,
        Some(p) => match p.parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => n,
            _ => return Err(format!("page must be a whole number from 1, not '{p}'")),
        },
    };
    let size = match page_size {
        None => MAX_PAGE_SIZE,
        Some(p) => match p.parse::<i64>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => {
                return Err(format!(
                    "page_size must be a whole number from 1 to {MAX_PAGE_SIZE}, not '{p}'"
                ))
            }
        },
    };
    Ok((page, size))
}

/// A comma-separated list, trimmed, without empty items or repeats.
pub fn comma_list(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_open_or_closed() {
        for s in Status::ALL {
            let expected = if Status::OPEN.contains(s) {
                "open"
            } else {
                "closed"
            };
            assert_eq!(status(*s), expected, "{s:?}");
            assert!(statuses_named(expected).unwrap().contains(s));
        }
        assert_eq!(statuses_named("closed").unwrap().len(), 4);
        assert_eq!(statuses_named("pending"), None);
    }

    #[test]
    fn notes_say_which_state_and_why() {
        let f = NoteFacts {
            agency: Some("Dinas PUPR"),
            referred_to: Some("PLN UP3 Subang"),
            merged_into: Some("SBG-26-000007"),
            ..Default::default()
        };
        assert_eq!(status_notes(Status::Routed, &f), "sent to Dinas PUPR");
        assert_eq!(
            status_notes(Status::Referred, &f),
            "referred elsewhere: a matter for PLN UP3 Subang"
        );
        assert_eq!(
            status_notes(Status::Merged, &f),
            "duplicate of SBG-26-000007"
        );
        assert!(status_notes(Status::Rejected, &f).starts_with("closed without action"));
        let withdrawn = NoteFacts {
            withdrawn: true,
            ..f
        };
        assert!(status_notes(Status::Rejected, &withdrawn).contains("did not come in time"));
        let held = NoteFacts { on_hold: true, ..f };
        assert!(status_notes(Status::Assigned, &held).ends_with("information from the reporter"));
        assert!(!status_notes(Status::Closed, &held).contains("waiting"));
        for s in Status::ALL {
            assert!(!status_notes(*s, &NoteFacts::default()).is_empty());
        }
    }

    #[test]
    fn updates_publish_changes_of_state_only() {
        assert_eq!(update_status(Action::File), Some("open"));
        assert_eq!(
            update_status(Action::Refer),
            Some("not_councils_responsibility")
        );
        assert_eq!(update_status(Action::Merge), Some("duplicate"));
        assert_eq!(update_status(Action::Resolve), Some("fixed"));
        for quiet in [
            Action::Visit,
            Action::Reply,
            Action::Hold,
            Action::SlaBreached,
        ] {
            assert_eq!(update_status(quiet), None);
        }
        // Every action that changes the status is published.
        for rule in crate::domain::lifecycle::RULES {
            if rule.to.is_some() {
                assert!(
                    published_actions().contains(&rule.action),
                    "{:?}",
                    rule.action
                );
            }
        }
    }

    #[test]
    fn notices_come_from_the_resolve_target() {
        let target = |clock, target, unit, enabled| ClockTarget {
            clock,
            enabled,
            target,
            unit,
        };
        let policy = [
            target(Clock::FirstResponse, 24, TargetUnit::Hours, true),
            target(Clock::Resolve, 14, TargetUnit::WorkingDays, true),
        ];
        assert_eq!(
            service_notice(&policy).as_deref(),
            Some("to be resolved within 14 working days of reaching the agency responsible")
        );
        let one = [target(Clock::Resolve, 1, TargetUnit::CalendarDays, true)];
        assert!(service_notice(&one).unwrap().contains("within 1 day of"));
        let off = [target(Clock::Resolve, 5, TargetUnit::WorkingDays, false)];
        assert_eq!(service_notice(&off), None);
    }

    #[test]
    fn dates_are_w3c_or_local_days() {
        let wib = chrono_tz::Asia::Jakarta;
        let t = parse_datetime("2026-01-31T08:00:00+07:00", &wib).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-31T01:00:00+00:00");
        assert_eq!(parse_datetime("2026-01-31T01:00:00Z", &wib), Some(t));
        let day = parse_datetime("2026-02-01", &wib).unwrap();
        assert_eq!(day.to_rfc3339(), "2026-01-31T17:00:00+00:00");
        assert_eq!(parse_datetime("31-01-2026", &wib), None);
        assert_eq!(parse_datetime("+262142-12-31", &wib), None);
        assert_eq!(parse_datetime("-0001-01-01T00:00:00Z", &wib), None);
        assert_eq!(parse_datetime("2026-01-31T08:00:00", &wib), None);
    }

    #[test]
    fn windows_cover_at_most_ninety_days() {
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let d = |days| now - Duration::days(days);
        assert_eq!(window(None, None, now), Ok((d(90), now)));
        assert_eq!(window(Some(d(100)), None, now), Ok((d(100), d(10))));
        assert_eq!(window(None, Some(d(10)), now), Ok((d(100), d(10))));
        assert_eq!(window(Some(d(90)), Some(now), now), Ok((d(90), now)));
        assert!(window(Some(d(91)), Some(now), now)
            .unwrap_err()
            .contains("at most 90 days"));
        assert!(window(Some(now), Some(d(1)), now)
            .unwrap_err()
            .contains("after end_date"));
    }

    #[test]
    fn paging_defaults_to_the_first_thousand() {
        assert_eq!(paging(None, None), Ok((1, 1000)));
        assert_eq!(paging(Some("3"), Some("50")), Ok((3, 50)));
        assert!(paging(Some("0"), None).is_err());
        assert!(paging(None, Some("1001")).is_err());
        assert!(paging(Some("x"), None).unwrap_err().contains("'x'"));
        assert_eq!(comma_list(" a, b,,a ,c "), ["a", "b", "c"]);
    }
}
