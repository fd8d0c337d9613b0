//! The access policy as data: roles, what each role may do, and which scope (agency, division)
//! a role needs. Handlers ask [`may`]; they never re-implement a rule.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user's role (DESIGN.md §1, §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Diskominfo IT: users, reference data, calendars.
    Admin,
    /// Diskominfo / Prokompim: verifies and routes tickets.
    Coordinator,
    /// Bupati / Wakil Bupati: reads everything.
    Leader,
    /// Kepala OPD / Camat: the agency's tickets.
    AgencyHead,
    /// Kepala Bidang: the division's tickets.
    DivisionHead,
    /// Social-media PIC of an agency or kecamatan: files and closes tickets.
    Pic,
    /// BP4D / Bappeda: aggregates only.
    Planner,
    /// An external client acting through an API key (an Open311 app). Made with its key, never
    /// signs in, files tickets through Open311 only; timelines name it.
    ApiClient,
}

/// What a role must be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Jurisdiction-wide; an agency or division may still be recorded.
    Jurisdiction,
    /// Needs an agency.
    Agency,
    /// Needs a division (its agency follows from it).
    Division,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Coordinator,
        Role::Leader,
        Role::AgencyHead,
        Role::DivisionHead,
        Role::Pic,
        Role::Planner,
        Role::ApiClient,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Leader => "leader",
            Role::AgencyHead => "agency_head",
            Role::DivisionHead => "division_head",
            Role::Pic => "pic",
            Role::Planner => "planner",
            Role::ApiClient => "api_client",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn scope(self) -> Scope {
        match self {
            Role::AgencyHead | Role::Pic => Scope::Agency,
            Role::DivisionHead => Scope::Division,
            Role::Admin | Role::Coordinator | Role::Leader | Role::Planner | Role::ApiClient => {
                Scope::Jurisdiction
            }
        }
    }

    /// May an admin give this role to a user? (`api_client` users come with their API key.)
    pub fn assignable(self) -> bool {
        self != Role::ApiClient
    }

    /// May a user of this role sign in with a password?
    pub fn signs_in(self) -> bool {
        self != Role::ApiClient
    }
}

/// Things a signed-in user may be allowed to do outside the ticket lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// List and read agencies, divisions, categories, regions, accounts.
    ReadReferenceData,
    /// Create and edit reference data.
    ManageReferenceData,
    /// Create, list, read and edit users.
    ManageUsers,
    /// The working week, holidays, hold limit and SLA targets.
    ManageCalendar,
    /// Register webhooks and read their delivery logs.
    ManageWebhooks,
    /// Record one's own patrols and activities (a PIC's duties).
    RecordDuties,
    /// Read patrol and activity records (agency roles: their agency's only).
    ReadDuties,
    /// Read aggregate analytics (no personal data).
    ReadAnalytics,
    /// Read recaps (they name PICs).
    ReadRecaps,
    /// Freeze a recap as published.
    FreezeRecaps,
    /// Set the recap score's weights.
    ConfigureRecaps,
    /// Create, list and revoke API keys (Open311 clients).
    ManageApiKeys,
    /// Upload photos and documents as evidence (for field visits and filings).
    UploadEvidence,
    /// Read the audit log of admin actions.
    ReadAudit,
    /// Mark a complaint's photo publishable ("tampilkan ke publik") or withdraw it, and draw
    /// its proof card.
    PublishEvidence,
}

use Role::*;

/// The grant table: the one place that says who may do what.
const GRANTS: &[(Permission, &[Role])] = &[
    (
        Permission::ReadReferenceData,
        &[
            Admin,
            Coordinator,
            Leader,
            AgencyHead,
            DivisionHead,
            Pic,
            Planner,
        ],
    ),
    (Permission::ManageReferenceData, &[Admin]),
    (Permission::ManageUsers, &[Admin]),
    (Permission::ManageCalendar, &[Admin]),
    (Permission::ManageWebhooks, &[Admin]),
    (Permission::RecordDuties, &[Pic]),
    (
        Permission::ReadDuties,
        &[Admin, Coordinator, Leader, AgencyHead, DivisionHead, Pic],
    ),
    (
        Permission::ReadAnalytics,
        &[Admin, Coordinator, Leader, Planner],
    ),
    (Permission::ReadRecaps, &[Admin, Coordinator, Leader]),
    (Permission::FreezeRecaps, &[Admin, Coordinator, Leader]),
    (Permission::ConfigureRecaps, &[Admin]),
    (Permission::ManageApiKeys, &[Admin]),
    (Permission::ReadAudit, &[Admin]),
    (
        Permission::UploadEvidence,
        &[Admin, Coordinator, AgencyHead, DivisionHead, Pic],
    ),
    (
        Permission::PublishEvidence,
        &[Admin, Coordinator, AgencyHead, DivisionHead, Pic],
    ),
];

/// May a user with `role` do `permission`?
pub fn may(role: Role, permission: Permission) -> bool {
    GRANTS
        .iter()
        .any(|(p, roles)| *p == permission && roles.contains(&role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn permission_table() {
        use Permission::*;
        // (permission, roles that may) — every other role may not.
        let table: &[(Permission, &[Role])] = &[
            (
                ReadReferenceData,
                &[
                    Admin,
                    Coordinator,
                    Leader,
                    AgencyHead,
                    DivisionHead,
                    Pic,
                    Planner,
                ],
            ),
            (ManageReferenceData, &[Admin]),
            (ManageUsers, &[Admin]),
            (ManageCalendar, &[Admin]),
            (ManageWebhooks, &[Admin]),
            (RecordDuties, &[Pic]),
            (
                ReadDuties,
                &[Admin, Coordinator, Leader, AgencyHead, DivisionHead, Pic],
            ),
            (ReadAnalytics, &[Admin, Coordinator, Leader, Planner]),
            (ReadRecaps, &[Admin, Coordinator, Leader]),
            (FreezeRecaps, &[Admin, Coordinator, Leader]),
            (ConfigureRecaps, &[Admin]),
            (ManageApiKeys, &[Admin]),
        ];
        for (perm, allowed) in table {
            for role in Role::ALL {
                assert_eq!(
                    may(role, *perm),
                    allowed.contains(&role),
                    "{role:?} {perm:?}"
                );
            }
        }
    }

    #[test]
    fn scopes() {
        assert_eq!(Pic.scope(), Scope::Agency);
        assert_eq!(AgencyHead.scope(), Scope::Agency);
        assert_eq!(DivisionHead.scope(), Scope::Division);
        for r in [Admin, Coordinator, Leader, Planner, ApiClient] {
            assert_eq!(r.scope(), Scope::Jurisdiction);
        }
    }

    #[test]
    fn api_clients_are_made_with_their_keys_and_never_sign_in() {
        for r in Role::ALL {
            assert_eq!(r.assignable(), r != ApiClient);
            assert_eq!(r.signs_in(), r != ApiClient);
        }
    }
}
