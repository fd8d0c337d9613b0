//! `/app/`: "Perlu tindakan", what needs the signed-in user now, most urgent first.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::format::{self, Due};
use super::frame::{Frame, Section};
use super::labels;
use super::render::{page, PageError};
use super::session::Signed;
use crate::domain::policy::Role;
use crate::error::ServiceError;
use crate::service::{clocks, inbox};
use crate::state::AppState;

/// Tasks of each duty shown at most: a phone's screenful many times over, and the page stays
/// light (a coordinator's two duties full: about 40 KB); the rest is one link away.
const PER_DUTY: i64 = 50;

pub struct TaskView {
    pub code: String,
    pub title: String,
    pub status: &'static str,
    pub reason: &'static str,
    pub due: Option<Due>,
    pub due_at: Option<String>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    frame: Frame,
    tasks: Vec<TaskView>,
    empty: &'static str,
    /// The duties with more tasks than are shown (their reasons, in words).
    more: Vec<&'static str>,
    per_duty: i64,
}

pub async fn show(state: web::Data<AppState>, s: Signed) -> Result<HttpResponse, PageError> {
    let user = s.user.clone();
    let (inbox, cal) = state
        .db
        .read(move |c| {
            let tasks = inbox::needs_me(c, &user, PER_DUTY)?;
            let year_ago = chrono::Utc::now() - chrono::Duration::days(400);
            let cal = clocks::calendar(c, &user.jurisdiction, year_ago)?;
            Ok::<_, ServiceError>((tasks, cal))
        })
        .await?;
    let now = chrono::Utc::now();
    let tz = s.user.timezone();
    let more = inbox.more.into_iter().map(labels::reason).collect();
    let tasks = inbox
        .tasks
        .into_iter()
        .map(|t| {
            let due = t.due_at;
            TaskView {
                code: t.ticket.ticket.code.clone(),
                title: t.ticket.ticket.title.clone(),
                status: labels::status(t.ticket.ticket.status()),
                reason: labels::reason(t.reason),
                due: due.map(|d| format::due(d, now, &cal)),
                due_at: due.map(|d| format::date_time(d, tz)),
            }
        })
        .collect();
    let empty = match s.user.role {
        Role::Admin | Role::Leader | Role::Planner => {
            "Halaman ini berisi tugas PIC, koordinator, kepala perangkat daerah dan kepala bidang. \
             Lihat daftar aduan melalui menu."
        }
        _ => "Tidak ada yang perlu ditindaklanjuti sekarang.",
    };
    page(&InboxPage {
        frame: Frame::of(&s, Section::Inbox),
        tasks,
        empty,
        more,
        per_duty: PER_DUTY,
    })
}
