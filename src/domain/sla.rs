//! SLA clocks as data: which clocks exist, their default targets, what each action does to
//! them, and how a clock's state follows from its times. Nothing here does I/O; `crate::sla`
//! loads and stores what these functions compute.
//!
//! | clock            | starts                  | stops                              | default            |
//! |------------------|-------------------------|------------------------------------|--------------------|
//! | `first_response` | filing                  | the first public reply (or close)  | 24 hours           |
//! | `verify`         | filing                  | routing                            | 3 working days     |
//! | `follow_up`      | routing (restarts)      | assign, return or a field visit    | 5 working days     |
//! | `resolve`        | the first routing       | resolve (restarts on reopen)       | 60 calendar days   |
//!
//! Every clock stops when the ticket ends (closed, rejected, referred, merged, withdrawn); a
//! hold pauses the running clocks and a resume moves their due times by the time on hold.

use chrono::{DateTime, Utc};

use super::calendar::{Calendar, DueError, TargetUnit};
use super::lifecycle::Action;
use super::reference::text_enum;

text_enum!(
    /// A deadline a ticket runs against.
    Clock {
        /// Filing → the first public reply on social media.
        FirstResponse => "first_response",
        /// Filing → routed to an agency.
        Verify => "verify",
        /// Routed → the agency's first action (assign, return or a field visit).
        FollowUp => "follow_up",
        /// Routed → resolved.
        Resolve => "resolve",
    }
);

text_enum!(
    /// Where a clock stands.
    ClockState {
        /// Counting towards its due time.
        Running => "running",
        /// Stopped on or before its due time.
        Met => "met",
        /// Its due time passed before it stopped (it may still be running towards its stop).
        Breached => "breached",
        /// Stopped counting while the ticket is on hold.
        Paused => "paused",
    }
);

/// One clock's target in a policy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ClockTarget {
    pub clock: Clock,
    /// Whether the clock runs at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    pub target: i32,
    pub unit: TargetUnit,
}

fn yes() -> bool {
    true
}

/// The targets when nobody has set any (LAPOR! and Perpres 76/2013; "respon cepat" for the reply).
pub const DEFAULT_TARGETS: [ClockTarget; 4] = [
    ClockTarget {
        clock: Clock::FirstResponse,
        enabled: true,
        target: 24,
        unit: TargetUnit::Hours,
    },
    ClockTarget {
        clock: Clock::Verify,
        enabled: true,
        target: 3,
        unit: TargetUnit::WorkingDays,
    },
    ClockTarget {
        clock: Clock::FollowUp,
        enabled: true,
        target: 5,
        unit: TargetUnit::WorkingDays,
    },
    ClockTarget {
        clock: Clock::Resolve,
        enabled: true,
        target: 60,
        unit: TargetUnit::CalendarDays,
    },
];

/// The policy for one ticket: per clock, the category's override, else the jurisdiction's
/// default, else [`DEFAULT_TARGETS`]. Always one entry per clock, in [`Clock::ALL`] order.
pub fn effective(jurisdiction: &[ClockTarget], category: &[ClockTarget]) -> Vec<ClockTarget> {
    Clock::ALL
        .iter()
        .map(|&c| {
            let pick = |rows: &[ClockTarget]| rows.iter().find(|t| t.clock == c).copied();
            pick(category)
                .or_else(|| pick(jurisdiction))
                .unwrap_or_else(|| {
                    DEFAULT_TARGETS
                        .iter()
                        .find(|t| t.clock == c)
                        .copied()
                        .unwrap_or(DEFAULT_TARGETS[0])
                })
        })
        .collect()
}

/// What an action does to the clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Start the clock unless it has already run.
    Start(Clock),
    /// Start it afresh, whatever it did before.
    Restart(Clock),
    /// Stop it if it is counting.
    Stop(Clock),
    /// Stop every clock (the ticket has ended).
    StopAll,
    PauseAll,
    ResumeAll,
}

/// The clock rules of the lifecycle, as a table (see the module's documentation).
pub fn effects(action: Action) -> &'static [Effect] {
    use Clock::*;
    use Effect::*;
    match action {
        Action::File => &[Start(FirstResponse), Start(Verify)],
        Action::Route => &[Stop(Verify), Restart(FollowUp), Start(Resolve)],
        Action::Return | Action::Assign | Action::Visit => &[Stop(FollowUp)],
        Action::Start | Action::SlaBreached => &[],
        Action::Resolve => &[Stop(Resolve)],
        Action::Reply => &[Stop(FirstResponse)],
        Action::Close => &[Stop(FirstResponse), StopAll],
        Action::Reopen => &[Restart(Resolve)],
        Action::Reject | Action::Refer | Action::Merge | Action::Withdraw => &[StopAll],
        Action::Hold => &[PauseAll],
        Action::Resume => &[ResumeAll],
    }
}

/// One SLA clock of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ClockView)]
pub struct ClockRun {
    pub clock: Clock,
    pub state: ClockState,
    pub target: i32,
    pub unit: TargetUnit,
    pub started_at: DateTime<Utc>,
    /// Moves later by the time spent on hold.
    pub due_at: DateTime<Utc>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
}

impl ClockRun {
    /// Counting towards its due time (running, or breached and not yet stopped).
    pub fn is_counting(&self) -> bool {
        self.stopped_at.is_none() && self.state != ClockState::Paused
    }

    /// Should the escalation mark this clock breached at `now`?
    pub fn breaches_at(&self, now: DateTime<Utc>) -> bool {
        self.state == ClockState::Running && self.due_at < now
    }

    fn stop(&mut self, now: DateTime<Utc>) {
        if self.stopped_at.is_some() {
            return;
        }
        if self.state == ClockState::Paused {
            self.resume(now);
        }
        self.stopped_at = Some(now);
        if self.state == ClockState::Running {
            self.state = if now <= self.due_at {
                ClockState::Met
            } else {
                ClockState::Breached
            };
        }
    }

    fn resume(&mut self, now: DateTime<Utc>) {
        if let (ClockState::Paused, Some(p)) = (self.state, self.paused_at) {
            self.due_at += now.signed_duration_since(p).max(chrono::Duration::zero());
            self.state = ClockState::Running;
            self.paused_at = None;
        }
    }
}

fn start(t: &ClockTarget, cal: &Calendar, now: DateTime<Utc>) -> Result<ClockRun, DueError> {
    Ok(ClockRun {
        clock: t.clock,
        state: ClockState::Running,
        target: t.target,
        unit: t.unit,
        started_at: now,
        due_at: cal
            .due_at(now, t.target as i64, t.unit)?
            .with_timezone(&Utc),
        stopped_at: None,
        paused_at: None,
    })
}

/// Applies `action`'s effects at `now` to a ticket's clocks, under `policy` (from
/// [`effective`]). Gives the clocks that changed or started.
pub fn apply(
    action: Action,
    runs: &mut Vec<ClockRun>,
    policy: &[ClockTarget],
    cal: &Calendar,
    now: DateTime<Utc>,
) -> Result<Vec<Clock>, DueError> {
    let mut changed = Vec::new();
    let touch = |c: Clock, changed: &mut Vec<Clock>| {
        if !changed.contains(&c) {
            changed.push(c);
        }
    };
    for effect in effects(action) {
        match *effect {
            Effect::Start(c) | Effect::Restart(c) => {
                let Some(t) = policy.iter().find(|t| t.clock == c && t.enabled) else {
                    continue;
                };
                let existing = runs.iter().position(|r| r.clock == c);
                if matches!(effect, Effect::Start(_)) && existing.is_some() {
                    continue;
                }
                let run = start(t, cal, now)?;
                match existing {
                    Some(i) => runs[i] = run,
                    None => runs.push(run),
                }
                touch(c, &mut changed);
            }
            Effect::Stop(c) => {
                if let Some(r) = runs
                    .iter_mut()
                    .find(|r| r.clock == c && r.stopped_at.is_none())
                {
                    r.stop(now);
                    touch(c, &mut changed);
                }
            }
            Effect::StopAll => {
                for r in runs.iter_mut().filter(|r| r.stopped_at.is_none()) {
                    r.stop(now);
                    touch(r.clock, &mut changed);
                }
            }
            Effect::PauseAll => {
                for r in runs.iter_mut() {
                    if r.state == ClockState::Running && r.stopped_at.is_none() {
                        r.state = ClockState::Paused;
                        r.paused_at = Some(now);
                        touch(r.clock, &mut changed);
                    }
                }
            }
            Effect::ResumeAll => {
                for r in runs.iter_mut().filter(|r| r.state == ClockState::Paused) {
                    r.resume(now);
                    touch(r.clock, &mut changed);
                }
            }
        }
    }
    Ok(changed)
}

/// The earliest due time of the clocks still counting: what lists sort and filter by.
pub fn next_due(runs: &[ClockRun]) -> Option<DateTime<Utc>> {
    runs.iter()
        .filter(|r| r.is_counting())
        .map(|r| r.due_at)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::WorkWeek;
    use chrono::{NaiveDate, TimeZone};

    fn cal() -> Calendar {
        // 17 August 2025 (Sunday) and 18 August (cuti bersama) are off.
        Calendar::new(
            chrono_tz::Asia::Jakarta,
            WorkWeek::MonFri,
            [
                NaiveDate::from_ymd_opt(2025, 8, 17).unwrap(),
                NaiveDate::from_ymd_opt(2025, 8, 18).unwrap(),
            ],
        )
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn get(runs: &[ClockRun], c: Clock) -> &ClockRun {
        runs.iter().find(|r| r.clock == c).unwrap()
    }

    fn policy() -> Vec<ClockTarget> {
        effective(&[], &[])
    }

    #[test]
    fn effective_policy_prefers_category_then_jurisdiction_then_builtin() {
        let j = [ClockTarget {
            clock: Clock::Verify,
            enabled: true,
            target: 2,
            unit: TargetUnit::WorkingDays,
        }];
        let c = [
            ClockTarget {
                clock: Clock::Verify,
                enabled: true,
                target: 1,
                unit: TargetUnit::Hours,
            },
            ClockTarget {
                clock: Clock::Resolve,
                enabled: false,
                target: 60,
                unit: TargetUnit::CalendarDays,
            },
        ];
        let p = effective(&j, &c);
        assert_eq!(p.len(), 4);
        assert_eq!((p[1].target, p[1].unit), (1, TargetUnit::Hours));
        assert!(!p[3].enabled);
        assert_eq!(p[0], DEFAULT_TARGETS[0]);
        let p = effective(&j, &[]);
        assert_eq!((p[1].target, p[1].unit), (2, TargetUnit::WorkingDays));
    }

    #[test]
    fn a_ticket_through_its_life() {
        let cal = cal();
        let pol = policy();
        let mut runs = Vec::new();
        // Filed Friday 15 August 2025, 10:00 WIB.
        let filed = at("2025-08-15T03:00:00Z");
        let changed = apply(Action::File, &mut runs, &pol, &cal, filed).unwrap();
        assert_eq!(changed, vec![Clock::FirstResponse, Clock::Verify]);
        assert_eq!(
            get(&runs, Clock::FirstResponse).due_at,
            at("2025-08-16T03:00:00Z")
        );
        assert_eq!(get(&runs, Clock::Verify).due_at, at("2025-08-21T16:59:59Z"));
        assert_eq!(next_due(&runs), Some(at("2025-08-16T03:00:00Z")));

        // A reply after 2 hours meets first_response; repeated replies change nothing.
        apply(
            Action::Reply,
            &mut runs,
            &pol,
            &cal,
            at("2025-08-15T05:00:00Z"),
        )
        .unwrap();
        assert_eq!(get(&runs, Clock::FirstResponse).state, ClockState::Met);
        assert!(apply(
            Action::Reply,
            &mut runs,
            &pol,
            &cal,
            at("2025-08-15T06:00:00Z")
        )
        .unwrap()
        .is_empty());
        assert_eq!(
            get(&runs, Clock::FirstResponse).stopped_at,
            Some(at("2025-08-15T05:00:00Z"))
        );

        // Routed on Monday 18 (cuti bersama): verify met, follow_up and resolve start.
        let routed = at("2025-08-18T02:00:00Z");
        apply(Action::Route, &mut runs, &pol, &cal, routed).unwrap();
        assert_eq!(get(&runs, Clock::Verify).state, ClockState::Met);
        // 5 working days after 18 August: 19, 20, 21, 22, 25 → 25 August 23:59:59 WIB.
        assert_eq!(
            get(&runs, Clock::FollowUp).due_at,
            at("2025-08-25T16:59:59Z")
        );
        // 60 calendar days after 18 August: 17 October.
        assert_eq!(
            get(&runs, Clock::Resolve).due_at,
            at("2025-10-17T16:59:59Z")
        );

        // Re-routed on 20 August: follow_up restarts, resolve keeps its start.
        let rerouted = at("2025-08-20T02:00:00Z");
        apply(Action::Route, &mut runs, &pol, &cal, rerouted).unwrap();
        let f = get(&runs, Clock::FollowUp);
        assert_eq!((f.started_at, f.state), (rerouted, ClockState::Running));
        assert_eq!(f.due_at, at("2025-08-27T16:59:59Z"));
        assert_eq!(get(&runs, Clock::Resolve).started_at, routed);

        // Assigned late, on 28 August: follow_up breached.
        apply(
            Action::Assign,
            &mut runs,
            &pol,
            &cal,
            at("2025-08-28T02:00:00Z"),
        )
        .unwrap();
        assert_eq!(get(&runs, Clock::FollowUp).state, ClockState::Breached);

        // Resolved, closed, reopened: resolve restarts and runs again.
        apply(
            Action::Resolve,
            &mut runs,
            &pol,
            &cal,
            at("2025-09-01T02:00:00Z"),
        )
        .unwrap();
        assert_eq!(get(&runs, Clock::Resolve).state, ClockState::Met);
        apply(
            Action::Close,
            &mut runs,
            &pol,
            &cal,
            at("2025-09-02T02:00:00Z"),
        )
        .unwrap();
        assert_eq!(next_due(&runs), None);
        let reopened = at("2025-09-10T02:00:00Z");
        apply(Action::Reopen, &mut runs, &pol, &cal, reopened).unwrap();
        let r = get(&runs, Clock::Resolve);
        assert_eq!(
            (r.started_at, r.state, r.stopped_at),
            (reopened, ClockState::Running, None)
        );
        assert_eq!(next_due(&runs), Some(r.due_at));
    }

    #[test]
    fn hold_pauses_and_resume_moves_due_times() {
        let cal = cal();
        let pol = policy();
        let mut runs = Vec::new();
        let filed = at("2025-08-15T03:00:00Z");
        apply(Action::File, &mut runs, &pol, &cal, filed).unwrap();
        let before = get(&runs, Clock::Verify).due_at;
        apply(
            Action::Hold,
            &mut runs,
            &pol,
            &cal,
            at("2025-08-15T04:00:00Z"),
        )
        .unwrap();
        assert!(runs.iter().all(|r| r.state == ClockState::Paused));
        assert_eq!(next_due(&runs), None);
        // Held for 3 days and 2 hours: no breach while paused, however late it gets.
        let resumed = at("2025-08-18T06:00:00Z");
        assert!(!get(&runs, Clock::FirstResponse).breaches_at(resumed));
        apply(Action::Resume, &mut runs, &pol, &cal, resumed).unwrap();
        let held = chrono::Duration::hours(74);
        assert_eq!(get(&runs, Clock::Verify).due_at, before + held);
        assert_eq!(get(&runs, Clock::Verify).state, ClockState::Running);
        assert_eq!(
            get(&runs, Clock::FirstResponse).due_at,
            at("2025-08-19T05:00:00Z")
        );
    }

    #[test]
    fn ending_a_ticket_stops_every_clock_and_a_paused_one_keeps_its_verdict() {
        let cal = cal();
        let pol = policy();
        let mut runs = Vec::new();
        apply(
            Action::File,
            &mut runs,
            &pol,
            &cal,
            at("2025-08-15T03:00:00Z"),
        )
        .unwrap();
        apply(
            Action::Hold,
            &mut runs,
            &pol,
            &cal,
            at("2025-08-15T04:00:00Z"),
        )
        .unwrap();
        // Withdrawn 30 days later: paused clocks were on time when they paused.
        apply(
            Action::Withdraw,
            &mut runs,
            &pol,
            &cal,
            at("2025-09-14T04:00:00Z"),
        )
        .unwrap();
        assert!(runs
            .iter()
            .all(|r| r.state == ClockState::Met && r.stopped_at.is_some()));
    }

    #[test]
    fn breach_is_only_for_running_clocks_past_due() {
        let cal = cal();
        let pol = policy();
        let mut runs = Vec::new();
        apply(
            Action::File,
            &mut runs,
            &pol,
            &cal,
            at("2025-08-15T03:00:00Z"),
        )
        .unwrap();
        let fr = get(&runs, Clock::FirstResponse).clone();
        assert!(!fr.breaches_at(at("2025-08-16T03:00:00Z")));
        assert!(fr.breaches_at(at("2025-08-16T03:00:01Z")));
        let mut late = fr.clone();
        late.state = ClockState::Breached;
        assert!(!late.breaches_at(at("2025-08-17T00:00:00Z")));
        // A breached clock still counts for "overdue" until it stops.
        assert!(late.is_counting());
    }

    #[test]
    fn disabled_clocks_do_not_start() {
        let cal = cal();
        let mut pol = policy();
        pol[0].enabled = false;
        let mut runs = Vec::new();
        apply(
            Action::File,
            &mut runs,
            &pol,
            &cal,
            Utc.with_ymd_and_hms(2025, 8, 15, 3, 0, 0).unwrap(),
        )
        .unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].clock, Clock::Verify);
    }
}
