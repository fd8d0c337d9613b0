//! `/app/analitik/perencanaan`: the "bahan perencanaan" table of an agency's year.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Datelike, Utc};

use super::files::Year;
use super::{choices, downloads, Ask, Choice, Downloads};
use crate::domain::analytics::GroupBy;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::pages::frame::{Frame, Section};
use crate::pages::render::{page, PageError};
use crate::pages::session::Signed;
use crate::service::analytics::planning;
use crate::service::analytics::trends::{self};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "perencanaan.html")]
struct PlanningPage {
    frame: Frame,
    agencies: Vec<Choice>,
    year: i32,
    view: Option<planning::PlanningView>,
    files: Option<Downloads>,
}

/// `GET /app/analitik/perencanaan?pd=…&tahun=…`: an agency's planning table for a year.
pub async fn planning_table(
    state: web::Data<AppState>,
    s: Signed,
    ask: web::Query<Ask>,
    year: web::Query<Year>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ReadAnalytics)?;
    let tz = s.user.timezone();
    let year = year.or(Utc::now().with_timezone(&tz).year())?;
    let agency = ask.pd.trim().to_string();
    let jur = s.user.jurisdiction_id.clone();
    let (agencies, view) = state
        .db
        .read_lagging(move |c| {
            let agencies = trends::names(c, &jur, GroupBy::Agency)?;
            let view = match agency.as_str() {
                "" => None,
                a => Some(planning::planning(c, &jur, tz, a, year)?),
            };
            Ok::<_, ServiceError>((agencies, view))
        })
        .await?;
    let files = view.as_ref().map(|v| {
        let q = format!("pd={}&tahun={}", v.agency, v.year);
        downloads("perencanaan", &q)
    });
    page(&PlanningPage {
        frame: Frame::of(&s, Section::Analytics),
        agencies: choices(&agencies, &ask.pd),
        year,
        view,
        files,
    })
}
