//! What needs a user now (the console's home page, "Perlu tindakan"), per role, as data: which
//! tickets each role acts on next, and why. Visibility still applies on top (a role's inbox
//! never holds a ticket it could not see).

use super::lifecycle::Status;
use super::policy::Role;
use super::sla::Clock;

/// Why a ticket waits for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Filed by the user and not yet answered in public (the first-response clock counts).
    Reply,
    /// Resolved: the public reply's link closes it.
    Close,
    /// Sent back by an agency: the user filed it and should know.
    Returned,
    /// New: to verify and route to an agency.
    Route,
    /// Returned by an agency: to route again (or reject, refer).
    Reroute,
    /// Routed to the user's agency: to assign to a division or return.
    Assign,
    /// Assigned to the user's division: to start.
    Start,
    /// In the field: to visit and resolve.
    Work,
}

/// One kind of work of a role: the tickets in `statuses` (only those the user filed when
/// `filed_by_user`; only those whose first-response clock still counts when `unanswered`).
#[derive(Debug, Clone, Copy)]
pub struct Duty {
    pub role: Role,
    pub reason: Reason,
    pub statuses: &'static [Status],
    pub filed_by_user: bool,
    pub unanswered: bool,
    /// The deadline this work runs against (its badge); none: the ticket's nearest one.
    pub clock: Option<Clock>,
}

const fn duty(
    role: Role,
    reason: Reason,
    statuses: &'static [Status],
    clock: Option<Clock>,
) -> Duty {
    Duty {
        role,
        reason,
        statuses,
        filed_by_user: false,
        unanswered: false,
        clock,
    }
}

const fn own(mut d: Duty) -> Duty {
    d.filed_by_user = true;
    d
}

use Status::*;

/// Every role's duties, in the order a tie shows them.
pub const DUTIES: &[Duty] = &[
    Duty {
        unanswered: true,
        ..own(duty(
            Role::Pic,
            Reason::Reply,
            &[New, Routed, Assigned, InProgress],
            Some(Clock::FirstResponse),
        ))
    },
    own(duty(Role::Pic, Reason::Close, &[Resolved], None)),
    own(duty(Role::Pic, Reason::Returned, &[Returned], None)),
    duty(
        Role::Coordinator,
        Reason::Route,
        &[New],
        Some(Clock::Verify),
    ),
    duty(
        Role::Coordinator,
        Reason::Reroute,
        &[Returned],
        Some(Clock::Verify),
    ),
    duty(
        Role::AgencyHead,
        Reason::Assign,
        &[Routed],
        Some(Clock::FollowUp),
    ),
    duty(
        Role::DivisionHead,
        Reason::Start,
        &[Assigned],
        Some(Clock::Resolve),
    ),
    duty(
        Role::DivisionHead,
        Reason::Work,
        &[InProgress],
        Some(Clock::Resolve),
    ),
];

/// The duties of `role` (none for admins, leaders, planners: their home is elsewhere).
pub fn duties_of(role: Role) -> impl Iterator<Item = &'static Duty> {
    DUTIES.iter().filter(move |d| d.role == role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_a_duty_names_is_open() {
        for d in DUTIES {
            assert!(d.statuses.iter().all(|s| s.is_open()), "{d:?}");
        }
    }

    #[test]
    fn each_role_has_its_work() {
        let reasons = |r| duties_of(r).map(|d| d.reason).collect::<Vec<_>>();
        assert_eq!(
            reasons(Role::Pic),
            [Reason::Reply, Reason::Close, Reason::Returned]
        );
        assert_eq!(reasons(Role::Coordinator), [Reason::Route, Reason::Reroute]);
        assert_eq!(reasons(Role::AgencyHead), [Reason::Assign]);
        assert_eq!(reasons(Role::DivisionHead), [Reason::Start, Reason::Work]);
        assert!(reasons(Role::Planner).is_empty());
        // A PIC's work is its own filings; the others work their whole queue.
        assert!(duties_of(Role::Pic).all(|d| d.filed_by_user));
        assert!(duties_of(Role::Coordinator).all(|d| !d.filed_by_user));
    }
}
