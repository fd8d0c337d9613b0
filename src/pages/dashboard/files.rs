//! The dashboard's tables as CSV or XLSX downloads.

use actix_web::{web, HttpResponse};
use chrono::{Datelike, Utc};
use serde::Deserialize;

use super::{invalid, trend_of, Ask};
use crate::api::analytics::export::attachment;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::pages::render::PageError;
use crate::pages::session::Signed;
use crate::service::analytics::table::{download as file_of, Format};
use crate::service::analytics::{backlog, hotspots, planning, routing, sla};
use crate::state::AppState;

/// `GET /app/analitik/unduh/{file}`: one of the dashboard's tables as `tren.csv`,
/// `tunggakan.xlsx`, `sla`, `titik-rawan`, `berulang`, `rute`, or `perencanaan` (with `pd` and
/// `tahun`).
pub async fn download(
    state: web::Data<AppState>,
    s: Signed,
    file: web::Path<String>,
    ask: web::Query<Ask>,
    year: web::Query<Year>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ReadAnalytics)?;
    let (table, format) = match file.rsplit_once('.') {
        Some((t, "csv")) => (t.to_string(), Format::Csv),
        Some((t, "xlsx")) => (t.to_string(), Format::Xlsx),
        _ => return Err(ServiceError::not_found("file").into()),
    };
    let ask = ask.into_inner();
    let asked = ask.understood(&s)?;
    let (jur, tz) = (s.user.jurisdiction_id.clone(), s.user.timezone());
    let year = year.or(asked.period.to.year())?;
    let (p, q) = (asked.period, asked.question);
    let agency = ask.pd.trim().to_string();
    let file = state
        .db
        .read_lagging(move |c| {
            let (from, to) = (p.from, p.to);
            match table.as_str() {
                "tren" => {
                    let v = trend_of(c, &jur, tz, &q)?;
                    file_of(format, &v.file_name(), &v.rows)
                }
                "tunggakan" => {
                    let v = backlog::backlog(c, &jur, tz, Utc::now())?;
                    file_of(format, "backlog", &v.rows)
                }
                "sla" => file_of(
                    format,
                    &format!("sla-{from}-{to}"),
                    &sla::sla(c, &jur, tz, &p)?.rows,
                ),
                "titik-rawan" | "berulang" => {
                    let v = hotspots::hotspots(c, &jur, tz, &p, 200)?;
                    if table == "berulang" {
                        file_of(
                            format,
                            &format!("hotspots-repeated-{from}-{to}"),
                            &v.repeated,
                        )
                    } else {
                        file_of(format, &format!("hotspots-{from}-{to}"), &v.areas)
                    }
                }
                "rute" => {
                    let v = routing::routing(c, &jur, tz, &p)?;
                    file_of(format, &format!("routing-{from}-{to}"), &v.rows)
                }
                "perencanaan" => {
                    let v = planning::planning(c, &jur, tz, &agency, year)?;
                    file_of(format, &v.file_name(), &v.rows)
                }
                _ => Err(ServiceError::not_found("file")),
            }
        })
        .await?;
    file.map(attachment)
        .ok_or_else(|| ServiceError::not_found("file").into())
}

/// The year of a planning table, as the form sends it (empty: this year's).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Year {
    tahun: String,
}

impl Year {
    pub(super) fn or(&self, default: i32) -> Result<i32, ServiceError> {
        match self.tahun.trim() {
            "" => Ok(default),
            y => y
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| invalid("tahun")),
        }
    }
}
