//! What every signed-in page shows around its content: who is signed in, the menu their role
//! has, and the CSRF token of the sign-out form.

use super::session::{Signed, ROOT};
use crate::domain::policy::{may, Permission, Role};

pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

pub struct Frame {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

/// The console's sections, and who sees each in the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Inbox,
    Tickets,
    File,
    Duties,
    Recap,
    Analytics,
    Users,
}

impl Frame {
    /// A fresh idempotency key for one rendered form, so that a double tap files once
    /// (`app::idempotency`).
    pub fn form_key(&self) -> String {
        uuid::Uuid::now_v7().to_string()
    }

    pub fn of(s: &Signed, here: Section) -> Frame {
        let role = s.user.role;
        let nav = [
            (Section::Inbox, "", "Perlu tindakan", true),
            (Section::Tickets, "aduan", "Aduan", true),
            (
                Section::File,
                "aduan/baru",
                "Aduan baru",
                crate::service::tickets::require_filer(&s.user).is_ok(),
            ),
            (
                Section::Duties,
                "tugas",
                "Tugas PIC",
                may(role, Permission::RecordDuties),
            ),
            (
                Section::Recap,
                "rekap",
                "Rekap",
                may(role, Permission::ReadRecaps),
            ),
            (
                Section::Analytics,
                "analitik",
                "Analitik",
                may(role, Permission::ReadAnalytics),
            ),
            (
                Section::Users,
                "pengguna",
                "Pengguna",
                may(role, Permission::ManageUsers),
            ),
        ]
        .into_iter()
        .filter(|(_, _, _, shown)| *shown)
        .map(|(section, path, label, _)| NavItem {
            href: format!("{ROOT}/{path}"),
            label,
            current: section == here,
        })
        .collect();
        Frame {
            name: s.user.user.display_name.clone(),
            role: role_name(role),
            csrf: s.csrf.clone(),
            nav,
        }
    }
}

/// A role as its holders call it.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin",
        Role::Coordinator => "Koordinator",
        Role::Leader => "Pimpinan",
        Role::AgencyHead => "Kepala perangkat daerah",
        Role::DivisionHead => "Kepala bidang",
        Role::Pic => "PIC media sosial",
        Role::Planner => "Perencana",
        Role::ApiClient => "Aplikasi",
    }
}
