//! The ticket lifecycle and who may move a ticket through it, as data (DESIGN.md §5–§6).
//!
//! [`RULES`] is the transition table; [`visibility`] says which tickets a user sees;
//! [`decide`] is the one policy function every handler calls before changing a ticket, and
//! [`allowed_actions`] lists what the caller may do next. Nothing here does I/O.

use super::policy::Role;
use super::reference::text_enum;

text_enum!(
    /// Where a ticket stands.
    Status {
        /// Filed, waiting for the coordinator.
        New => "new",
        /// Sent back by an agency as not its duty (bukan kewenangan).
        Returned => "returned",
        /// Routed (disposisi) to an agency.
        Routed => "routed",
        /// Assigned to a division of the agency.
        Assigned => "assigned",
        /// Being worked in the field.
        InProgress => "in_progress",
        /// Worked; waiting for the public reply.
        Resolved => "resolved",
        /// Closed with the link to the public reply.
        Closed => "closed",
        /// Not a complaint, spam, or too little to act on.
        Rejected => "rejected",
        /// A matter for a body outside local government (PLN, PDAM, province…).
        Referred => "referred",
        /// A duplicate of another ticket.
        Merged => "merged",
    }
);

text_enum!(
    /// Something a user does to a ticket; every action appends one event.
    Action {
        File => "file",
        Route => "route",
        Return => "return",
        Assign => "assign",
        Start => "start",
        Resolve => "resolve",
        Close => "close",
        Reopen => "reopen",
        Reject => "reject",
        Refer => "refer",
        Merge => "merge",
        /// Record a field visit (no change of status).
        Visit => "visit",
        /// Record an interim public reply on social media (no change of status).
        Reply => "reply",
        /// Wait for the complainant's information: the clocks pause.
        Hold => "hold",
        /// Stop waiting: the clocks run again, their due times moved by the time on hold.
        Resume => "resume",
        /// A deadline passed (written by aduan itself, never by a user).
        SlaBreached => "sla_breached",
        /// Rejected as withdrawn after too long on hold (written by aduan itself).
        Withdraw => "withdraw",
    }
);

impl Status {
    pub const OPEN: &'static [Status] = &[
        Status::New,
        Status::Returned,
        Status::Routed,
        Status::Assigned,
        Status::InProgress,
        Status::Resolved,
    ];

    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// Where a ticket may wait on hold: open, and not yet resolved.
    pub const HOLDABLE: &'static [Status] = &[
        Status::New,
        Status::Returned,
        Status::Routed,
        Status::Assigned,
        Status::InProgress,
    ];
}

/// What may be done to a ticket while it is on hold: resume it, keep replying in public, or end
/// it (every other action waits for `resume`).
pub const WHILE_ON_HOLD: &[Action] = &[
    Action::Resume,
    Action::Reply,
    Action::Reject,
    Action::Merge,
    Action::Withdraw,
];

impl Action {
    /// For messages: "cannot be routed".
    pub fn past_tense(self) -> &'static str {
        match self {
            Action::File => "filed",
            Action::Route => "routed",
            Action::Return => "returned",
            Action::Assign => "assigned",
            Action::Start => "started",
            Action::Resolve => "resolved",
            Action::Close => "closed",
            Action::Reopen => "reopened",
            Action::Reject => "rejected",
            Action::Refer => "referred",
            Action::Merge => "merged",
            Action::Visit => "visited",
            Action::Reply => "replied to",
            Action::Hold => "put on hold",
            Action::Resume => "resumed",
            Action::SlaBreached => "marked breached",
            Action::Withdraw => "withdrawn",
        }
    }
}

/// Who a rule lets act, relative to the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Admin,
    Coordinator,
    /// The head of the ticket's current agency.
    AgencyHead,
    /// The head of the ticket's current division.
    DivisionHead,
    /// A PIC of the ticket's current agency (for filing: any PIC).
    Pic,
    /// The PIC who filed the ticket: the reply goes out from the account where the comment was.
    Filer,
    /// An Open311 client, through its API key (files only).
    ApiClient,
}

/// One row of the transition table.
#[derive(Debug)]
pub struct Rule {
    pub action: Action,
    /// The statuses the action may start from (empty for `file`, which creates the ticket).
    pub from: &'static [Status],
    /// The status afterwards; `None` leaves it as it was.
    pub to: Option<Status>,
    /// Who may; empty for what only aduan itself does (`sla_breached`, `withdraw`).
    pub who: &'static [Who],
}

use Status::*;
use Who::*;

/// The lifecycle of DESIGN.md §5, plus `visit` (recording field evidence).
pub const RULES: &[Rule] = &[
    Rule {
        action: Action::File,
        from: &[],
        to: Some(New),
        who: &[Pic, Coordinator, Admin, ApiClient],
    },
    Rule {
        action: Action::Route,
        from: &[New, Returned, Routed, Assigned],
        to: Some(Routed),
        who: &[Coordinator, Admin],
    },
    Rule {
        action: Action::Return,
        from: &[Routed, Assigned],
        to: Some(Returned),
        who: &[AgencyHead, Coordinator],
    },
    Rule {
        action: Action::Assign,
        from: &[Routed, Assigned],
        to: Some(Assigned),
        who: &[AgencyHead, Coordinator],
    },
    Rule {
        action: Action::Start,
        from: &[Assigned],
        to: Some(InProgress),
        who: &[DivisionHead, AgencyHead],
    },
    Rule {
        action: Action::Visit,
        from: &[Assigned, InProgress],
        to: None,
        who: &[DivisionHead, AgencyHead],
    },
    Rule {
        action: Action::Resolve,
        from: &[InProgress],
        to: Some(Resolved),
        who: &[DivisionHead, AgencyHead],
    },
    Rule {
        action: Action::Close,
        from: &[Resolved],
        to: Some(Closed),
        who: &[Pic, Filer, Coordinator],
    },
    Rule {
        action: Action::Reopen,
        from: &[Resolved, Closed],
        to: Some(InProgress),
        who: &[Coordinator, AgencyHead],
    },
    Rule {
        action: Action::Reject,
        from: &[New, Returned],
        to: Some(Rejected),
        who: &[Coordinator],
    },
    Rule {
        action: Action::Refer,
        from: &[New, Returned],
        to: Some(Referred),
        who: &[Coordinator],
    },
    Rule {
        action: Action::Merge,
        from: Status::OPEN,
        to: Some(Merged),
        who: &[Coordinator],
    },
    Rule {
        action: Action::Reply,
        from: Status::OPEN,
        to: None,
        who: &[Pic, Filer, Coordinator],
    },
    Rule {
        action: Action::Hold,
        from: Status::HOLDABLE,
        to: None,
        who: &[Filer, AgencyHead, Coordinator],
    },
    Rule {
        action: Action::Resume,
        from: Status::HOLDABLE,
        to: None,
        who: &[Filer, AgencyHead, Coordinator],
    },
    Rule {
        action: Action::SlaBreached,
        from: Status::OPEN,
        to: None,
        who: &[],
    },
    Rule {
        action: Action::Withdraw,
        from: Status::HOLDABLE,
        to: Some(Rejected),
        who: &[],
    },
];

pub fn rule(action: Action) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.action == action)
        .unwrap_or(&RULES[0])
}

/// The caller, as the policy sees it.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: &'a str,
    pub role: Role,
    pub agency_id: Option<&'a str>,
    pub division_id: Option<&'a str>,
}

/// A ticket, as the policy sees it.
#[derive(Debug, Clone, Copy)]
pub struct TicketFacts<'a> {
    pub status: Status,
    pub agency_id: Option<&'a str>,
    pub division_id: Option<&'a str>,
    pub filed_by: &'a str,
    /// Waiting for the complainant's information.
    pub on_hold: bool,
}

/// Which tickets a user sees (DESIGN.md §6); lists turn this into a query filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every ticket of the jurisdiction.
    All,
    /// Tickets whose current agency is this one, and those the user filed.
    AgencyOrFiled { agency_id: String, user_id: String },
    /// Tickets whose current division is this one.
    Division { division_id: String },
    /// None individually (planners read aggregates only).
    Nothing,
}

pub fn visibility(actor: &Actor) -> Visibility {
    match actor.role {
        Role::Admin | Role::Coordinator | Role::Leader => Visibility::All,
        Role::AgencyHead | Role::Pic => match actor.agency_id {
            Some(a) => Visibility::AgencyOrFiled {
                agency_id: a.to_string(),
                user_id: actor.id.to_string(),
            },
            None => Visibility::Nothing,
        },
        Role::DivisionHead => match actor.division_id {
            Some(d) => Visibility::Division {
                division_id: d.to_string(),
            },
            None => Visibility::Nothing,
        },
        Role::Planner | Role::ApiClient => Visibility::Nothing,
    }
}

pub fn can_see(actor: &Actor, ticket: &TicketFacts) -> bool {
    match visibility(actor) {
        Visibility::All => true,
        Visibility::AgencyOrFiled { agency_id, user_id } => {
            ticket.agency_id == Some(agency_id.as_str()) || ticket.filed_by == user_id
        }
        Visibility::Division { division_id } => ticket.division_id == Some(division_id.as_str()),
        Visibility::Nothing => false,
    }
}

/// May a user see the commenter's handle and other personal data of the tickets it sees?
pub fn sees_personal_data(role: Role) -> bool {
    !matches!(role, Role::Planner | Role::ApiClient)
}

fn matches(who: Who, actor: &Actor, ticket: Option<&TicketFacts>) -> bool {
    let same = |mine: Option<&str>, theirs: Option<&str>| mine.is_some() && mine == theirs;
    match (who, ticket) {
        (Admin, _) => actor.role == Role::Admin,
        (Coordinator, _) => actor.role == Role::Coordinator,
        (AgencyHead, Some(t)) => {
            actor.role == Role::AgencyHead && same(actor.agency_id, t.agency_id)
        }
        (DivisionHead, Some(t)) => {
            actor.role == Role::DivisionHead && same(actor.division_id, t.division_id)
        }
        (Pic, Some(t)) => actor.role == Role::Pic && same(actor.agency_id, t.agency_id),
        (Pic, None) => actor.role == Role::Pic,
        (Filer, Some(t)) => actor.role == Role::Pic && actor.id == t.filed_by,
        (AgencyHead | DivisionHead | Filer, None) => false,
        (ApiClient, None) => actor.role == Role::ApiClient,
        (ApiClient, Some(_)) => false,
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The caller may never do this to this ticket (403).
    Forbidden,
    /// The caller could, but not from the ticket's current status (409).
    InvalidTransition,
}

/// May a user with `role` file tickets?
pub fn may_file(actor: &Actor) -> bool {
    rule(Action::File)
        .who
        .iter()
        .any(|w| matches(*w, actor, None))
}

/// The policy: may `actor` do `action` to `ticket` now? Gives the status afterwards.
pub fn decide(actor: &Actor, action: Action, ticket: &TicketFacts) -> Result<Status, Denied> {
    let rule = rule(action);
    if action == Action::File || !rule.who.iter().any(|w| matches(*w, actor, Some(ticket))) {
        return Err(Denied::Forbidden);
    }
    if !rule.from.contains(&ticket.status)
        || (ticket.on_hold && !WHILE_ON_HOLD.contains(&action))
        || (!ticket.on_hold && action == Action::Resume)
    {
        return Err(Denied::InvalidTransition);
    }
    Ok(rule.to.unwrap_or(ticket.status))
}

/// The status after an action aduan itself takes (no caller, no policy check); `None` when the
/// ticket's status does not allow it.
pub fn system_transition(action: Action, ticket: &TicketFacts) -> Option<Status> {
    let rule = rule(action);
    (rule.who.is_empty() && rule.from.contains(&ticket.status))
        .then(|| rule.to.unwrap_or(ticket.status))
}

/// What `actor` may do to `ticket` now, in table order.
pub fn allowed_actions(actor: &Actor, ticket: &TicketFacts) -> Vec<Action> {
    RULES
        .iter()
        .map(|r| r.action)
        .filter(|a| decide(actor, *a, ticket).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "agency-a";
    const B: &str = "agency-b";
    const DIV: &str = "division-a1";
    const FILER: &str = "pic-b-filer";

    /// The callers the table is checked for.
    fn actors() -> Vec<(&'static str, Actor<'static>)> {
        let a = |id, role, agency, division| Actor {
            id,
            role,
            agency_id: agency,
            division_id: division,
        };
        vec![
            ("admin", a("admin", Role::Admin, None, None)),
            ("coordinator", a("coord", Role::Coordinator, None, None)),
            ("leader", a("leader", Role::Leader, None, None)),
            ("planner", a("planner", Role::Planner, None, None)),
            ("head_a", a("head-a", Role::AgencyHead, Some(A), None)),
            ("head_b", a("head-b", Role::AgencyHead, Some(B), None)),
            (
                "divhead_a1",
                a("dh", Role::DivisionHead, Some(A), Some(DIV)),
            ),
            (
                "divhead_a2",
                a("dh2", Role::DivisionHead, Some(A), Some("division-a2")),
            ),
            ("pic_a", a("pic-a", Role::Pic, Some(A), None)),
            ("pic_b_filer", a(FILER, Role::Pic, Some(B), None)),
            ("pic_b", a("pic-b", Role::Pic, Some(B), None)),
            ("api_client", a("key-1", Role::ApiClient, None, None)),
        ]
    }

    /// Who may do what from where, written out by hand from DESIGN.md §5 for a ticket of
    /// agency A, division A1, filed by a PIC of agency B. Callers not listed for an action are
    /// refused with 403 (or do not see the ticket); listed callers get 409 from other statuses.
    const EXPECTED: &[(&str, &str, &str)] = &[
        ("route", "admin coordinator", "new returned routed assigned"),
        ("return", "coordinator head_a", "routed assigned"),
        ("assign", "coordinator head_a", "routed assigned"),
        ("start", "head_a divhead_a1", "assigned"),
        ("visit", "head_a divhead_a1", "assigned in_progress"),
        ("resolve", "head_a divhead_a1", "in_progress"),
        ("close", "coordinator pic_a pic_b_filer", "resolved"),
        ("reopen", "coordinator head_a", "resolved closed"),
        ("reject", "coordinator", "new returned"),
        ("refer", "coordinator", "new returned"),
        (
            "merge",
            "coordinator",
            "new returned routed assigned in_progress resolved",
        ),
        (
            "reply",
            "coordinator pic_a pic_b_filer",
            "new returned routed assigned in_progress resolved",
        ),
        (
            "hold",
            "coordinator head_a pic_b_filer",
            "new returned routed assigned in_progress",
        ),
        // Resume needs a ticket on hold: never allowed on one that is not.
        ("resume", "coordinator head_a pic_b_filer", ""),
        // Only aduan itself writes these.
        ("sla_breached", "", ""),
        ("withdraw", "", ""),
    ];

    /// Who sees that ticket.
    const SEES: &str = "admin coordinator leader head_a divhead_a1 pic_a pic_b_filer";

    #[test]
    fn every_action_role_and_status_follows_the_table() {
        let mut checked = 0;
        for (action_name, who, from) in EXPECTED {
            let action = Action::parse(action_name).unwrap();
            for (name, actor) in actors() {
                for status in Status::ALL {
                    let ticket = TicketFacts {
                        status: *status,
                        agency_id: Some(A),
                        division_id: Some(DIV),
                        filed_by: FILER,
                        on_hold: false,
                    };
                    let listed = who.split(' ').any(|w| w == name);
                    let expected = if !listed {
                        Err(Denied::Forbidden)
                    } else if from.split(' ').any(|s| s == status.as_str()) {
                        Ok(())
                    } else {
                        Err(Denied::InvalidTransition)
                    };
                    let got = decide(&actor, action, &ticket).map(|_| ());
                    assert_eq!(got, expected, "{name} {action_name} from {status:?}");
                    assert_eq!(
                        allowed_actions(&actor, &ticket).contains(&action),
                        expected.is_ok()
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, EXPECTED.len() * 12 * Status::ALL.len());
        // Every action but `file` is in the expectations.
        assert_eq!(EXPECTED.len(), RULES.len() - 1);
    }

    #[test]
    fn on_hold_only_resume_reply_and_endings() {
        let (_, coord) = actors()[1];
        let (_, head_a) = actors()[4];
        for status in Status::HOLDABLE {
            let held = TicketFacts {
                status: *status,
                agency_id: Some(A),
                division_id: Some(DIV),
                filed_by: FILER,
                on_hold: true,
            };
            for actor in [coord, head_a] {
                for a in allowed_actions(&actor, &held) {
                    assert!(WHILE_ON_HOLD.contains(&a), "{a:?} from {status:?} on hold");
                }
                assert!(allowed_actions(&actor, &held).contains(&Action::Resume));
                assert_eq!(
                    decide(&actor, Action::Hold, &held),
                    Err(Denied::InvalidTransition)
                );
            }
            assert_eq!(
                decide(&coord, Action::Route, &held),
                Err(Denied::InvalidTransition)
            );
            // aduan withdraws a held ticket; users cannot.
            assert_eq!(system_transition(Action::Withdraw, &held), Some(Rejected));
            assert_eq!(
                decide(&coord, Action::Withdraw, &held),
                Err(Denied::Forbidden)
            );
        }
        let closed = TicketFacts {
            status: Closed,
            agency_id: Some(A),
            division_id: None,
            filed_by: FILER,
            on_hold: false,
        };
        assert_eq!(system_transition(Action::SlaBreached, &closed), None);
        assert_eq!(system_transition(Action::Withdraw, &closed), None);
    }

    #[test]
    fn targets_follow_design() {
        let to = |a| rule(a).to;
        assert_eq!(to(Action::Route), Some(Routed));
        assert_eq!(to(Action::Return), Some(Returned));
        assert_eq!(to(Action::Assign), Some(Assigned));
        assert_eq!(to(Action::Start), Some(InProgress));
        assert_eq!(to(Action::Resolve), Some(Resolved));
        assert_eq!(to(Action::Close), Some(Closed));
        assert_eq!(to(Action::Reopen), Some(InProgress));
        assert_eq!(to(Action::Reject), Some(Rejected));
        assert_eq!(to(Action::Refer), Some(Referred));
        assert_eq!(to(Action::Merge), Some(Merged));
        assert_eq!(to(Action::Visit), None);
        // Terminal states lead nowhere but `closed → reopen`.
        for s in [Rejected, Referred, Merged] {
            assert!(RULES.iter().all(|r| !r.from.contains(&s)), "{s:?}");
        }
        assert!(!Closed.is_open());
    }

    #[test]
    fn visibility_follows_roles() {
        let ticket = TicketFacts {
            status: Routed,
            agency_id: Some(A),
            division_id: Some(DIV),
            filed_by: FILER,
            on_hold: false,
        };
        for (name, actor) in actors() {
            let sees = SEES.split(' ').any(|w| w == name);
            assert_eq!(can_see(&actor, &ticket), sees, "{name}");
        }
        // An agency user without an agency sees nothing rather than everything.
        let lost = Actor {
            id: "x",
            role: Role::Pic,
            agency_id: None,
            division_id: None,
        };
        assert_eq!(visibility(&lost), Visibility::Nothing);
        // A ticket with no agency yet is not "the agency of" a user without one.
        let fresh = TicketFacts {
            agency_id: None,
            division_id: None,
            ..ticket
        };
        assert!(!can_see(&lost, &fresh));
    }

    #[test]
    fn filing() {
        for (name, actor) in actors() {
            let may = matches!(
                actor.role,
                Role::Pic | Role::Coordinator | Role::Admin | Role::ApiClient
            );
            assert_eq!(may_file(&actor), may, "{name}");
        }
        let (_, admin) = actors()[0];
        let t = TicketFacts {
            status: New,
            agency_id: None,
            division_id: None,
            filed_by: "x",
            on_hold: false,
        };
        assert_eq!(decide(&admin, Action::File, &t), Err(Denied::Forbidden));
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(*a));
        }
    }
}
