//! The jurisdiction's working calendar: `/api/v1/calendar` — working week, holidays (listed by
//! everyone, kept by admins, imported from iCalendar) and the one due-time function.

mod create_holiday;
mod delete_holiday;
mod get_calendar;
mod get_due;
mod import_holidays;
mod list_holidays;
mod update_calendar;

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use create_holiday::CreateHoliday;
pub use get_due::{DueQuery, DueView};
pub use import_holidays::ImportReport;
pub use list_holidays::HolidaysQuery;
pub use update_calendar::UpdateCalendar;

use crate::db::models::holiday::Holiday;
use crate::db::models::jurisdiction::Jurisdiction;
use crate::domain::calendar::{HolidayKind, WorkWeek};

/// How the jurisdiction counts working days.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarView {
    #[schema(example = "Asia/Jakarta")]
    pub timezone: String,
    pub work_week: WorkWeek,
    /// Days a ticket may wait on hold before aduan withdraws it.
    #[schema(example = 30)]
    pub hold_limit_days: i32,
}

impl From<&Jurisdiction> for CalendarView {
    fn from(j: &Jurisdiction) -> Self {
        CalendarView {
            timezone: j.timezone.clone(),
            work_week: WorkWeek::parse(&j.work_week).unwrap_or(WorkWeek::MonFri),
            hold_limit_days: j.hold_limit_days,
        }
    }
}

/// A day off.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(value_type = String, format = Date, example = "2025-08-18")]
    pub date: NaiveDate,
    pub kind: HolidayKind,
    #[schema(example = "Cuti bersama Hari Kemerdekaan")]
    pub name: String,
    /// `seed` (the bundled national calendar), `manual` or `ical`.
    #[schema(example = "manual")]
    pub source: String,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<Holiday> for HolidayView {
    fn from(h: Holiday) -> Self {
        HolidayView {
            kind: HolidayKind::parse(&h.kind).unwrap_or(HolidayKind::Local),
            id: h.id,
            date: h.date,
            name: h.name,
            source: h.source,
            created_at: h.created_at.and_utc(),
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_calendar::get_calendar)
        .service(update_calendar::update_calendar)
        .service(get_due::get_due)
        .service(list_holidays::list_holidays)
        .service(create_holiday::create_holiday)
        .service(import_holidays::import_holidays)
        .service(delete_holiday::delete_holiday);
}
