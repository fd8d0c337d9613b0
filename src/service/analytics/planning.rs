//! "Bahan perencanaan": the table an agency (OPD) brings to its Renja/RKPD planning — a year of
//! the complaints it holds, by kecamatan and category: how many, the share fixed, the median
//! days from complaint to fix, and the places complained about again and again.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use super::table::{cell, Tabular};
use super::{by_code, code_of, period};
use crate::db::models::{analytics, region};
use crate::db::DbConnection;
use crate::domain::analytics::{place_key, Period};
use crate::domain::planning::{is_fixed, tenths_to_fix, Tally};
use crate::error::ServiceError;
use crate::service::projections::{self, Source};
use crate::service::rollups;

/// One kecamatan × category of an agency's year. Columns: `kecamatan, nama_kecamatan,
/// kategori, nama_kategori, aduan, selesai, persen_selesai, median_hari_selesai,
/// tempat_berulang`.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
pub struct PlanningRow {
    /// Kecamatan code; null for complaints without a place.
    pub kecamatan: Option<String>,
    pub kecamatan_name: Option<String>,
    /// Category code; null for complaints without one.
    pub category: Option<String>,
    pub category_name: Option<String>,
    /// Complaints filed in the year.
    pub complaints: i64,
    /// Of those, fixed now (resolved or closed after a fix).
    pub fixed: i64,
    /// `fixed / complaints` in percent, one decimal.
    pub fixed_percent: f64,
    /// Median days from complaint to its (last) fix, one decimal (each complaint's days counted
    /// in tenths); null when none was fixed.
    pub median_days_to_fix: Option<f64>,
    /// Places (about 100 m) with two or more of these complaints.
    pub repeated_places: i64,
}

impl Tabular for PlanningRow {
    const COLUMNS: &'static [&'static str] = &[
        "kecamatan",
        "nama_kecamatan",
        "kategori",
        "nama_kategori",
        "aduan",
        "selesai",
        "persen_selesai",
        "median_hari_selesai",
        "tempat_berulang",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            cell(&self.kecamatan),
            cell(&self.kecamatan_name),
            cell(&self.category),
            cell(&self.category_name),
            self.complaints.to_string(),
            self.fixed.to_string(),
            format!("{:.1}", self.fixed_percent),
            self.median_days_to_fix
                .map(|d| format!("{d:.1}"))
                .unwrap_or_default(),
            self.repeated_places.to_string(),
        ]
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanningView {
    #[schema(example = "dpupr")]
    pub agency: String,
    pub agency_name: String,
    #[schema(example = 2026)]
    pub year: i32,
    /// By kecamatan code (none last), then most complaints first.
    pub rows: Vec<PlanningRow>,
}

impl PlanningView {
    pub fn file_name(&self) -> String {
        format!("perencanaan-{}-{}", self.agency, self.year)
    }
}

/// Tallies by `(kecamatan id, category_id)` ('' for none).
type Tallies = BTreeMap<(String, String), Tally>;

/// The planning table of agency `agency` (its code) for `year`, in the jurisdiction's zone: from
/// the planning counters when the projections are complete for `tz`.
pub fn planning(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    agency: &str,
    year: i32,
) -> Result<PlanningView, ServiceError> {
    let source = projections::source(conn, jurisdiction_id, tz)?;
    planning_from(conn, jurisdiction_id, tz, agency, year, source)
}

/// The raw tallies of an agency's complaints filed in `p`.
fn raw_tallies(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    agency_id: &str,
    p: &Period,
) -> QueryResult<Tallies> {
    let (tickets, fixes) =
        analytics::planning_tickets(conn, jurisdiction_id, agency_id, p.start, p.end)?;
    let mut last_fix: HashMap<&str, NaiveDateTime> = HashMap::new();
    for (t, at) in &fixes {
        let last = last_fix.entry(t.as_str()).or_insert(*at);
        *last = (*last).max(*at);
    }
    let kecamatan_of = region::kecamatan_ids(conn, jurisdiction_id)?;
    let mut tallies = Tallies::new();
    let mut places: HashMap<(String, String, (i64, i64)), i64> = HashMap::new();
    let id = |s: &Option<String>| s.clone().unwrap_or_default();
    for (ticket, status, category, region, lat, lng, created) in &tickets {
        let kecamatan = region
            .as_ref()
            .and_then(|r| kecamatan_of.get(r))
            .cloned()
            .unwrap_or_default();
        let t = tallies
            .entry((kecamatan.clone(), id(category)))
            .or_default();
        t.complaints += 1;
        if let Some(at) = last_fix.get(ticket.as_str()).filter(|_| is_fixed(status)) {
            *t.fixes.entry(tenths_to_fix(*created, *at)).or_default() += 1;
        }
        if let (Some(lat), Some(lng)) = (lat, lng) {
            let place = (kecamatan, id(category), place_key(*lat, *lng));
            *places.entry(place).or_default() += 1;
        }
    }
    for ((kecamatan, category, _), n) in places {
        if n >= 2 {
            tallies
                .entry((kecamatan, category))
                .or_default()
                .repeated_places += 1;
        }
    }
    Ok(tallies)
}

/// `planning` with the tallies from `source`.
pub fn planning_from(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    agency: &str,
    year: i32,
    source: Source,
) -> Result<PlanningView, ServiceError> {
    let agencies = analytics::agency_names(conn, jurisdiction_id)?;
    let Some((agency_id, (_, agency_name))) = agencies.iter().find(|(_, (c, _))| c == agency)
    else {
        return Err(ServiceError::bad_request(
            "invalid_query",
            format!("no agency has the code {agency}"),
        ));
    };
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let (Some(first), Some(last)) = (day(1, 1), day(12, 31)) else {
        return Err(ServiceError::bad_request("invalid_query", "no such year"));
    };
    let p = period(tz, Some(first), Some(last))?;
    let tallies = match source {
        Source::Projections => rollups::planning::tallies(conn, jurisdiction_id, agency_id, first)?,
        Source::Raw => raw_tallies(conn, jurisdiction_id, agency_id, &p)?,
    };
    let kecamatan = analytics::kecamatan_names(conn, jurisdiction_id)?;
    let categories = analytics::category_names(conn, jurisdiction_id)?;
    let mut groups: BTreeMap<(Option<String>, Option<String>), Tally> = BTreeMap::new();
    for ((kecamatan_id, category), t) in tallies {
        let key = (
            code_of(&kecamatan, Some(kecamatan_id.as_str())),
            code_of(&categories, Some(category.as_str())),
        );
        groups.entry(key).or_default().merge(t);
    }
    let (kecamatan, categories) = (by_code(&kecamatan), by_code(&categories));
    let name = |names: &HashMap<&str, &str>, code: &Option<String>| {
        code.as_deref()
            .and_then(|c| names.get(c))
            .map(|n| n.to_string())
    };
    let mut rows: Vec<PlanningRow> = groups
        .into_iter()
        .map(|((kec, cat), t)| PlanningRow {
            kecamatan_name: name(&kecamatan, &kec),
            category_name: name(&categories, &cat),
            kecamatan: kec,
            category: cat,
            complaints: t.complaints,
            fixed: t.fixed(),
            fixed_percent: one_decimal(100.0 * t.fixed() as f64 / t.complaints.max(1) as f64),
            median_days_to_fix: t.median_days().map(one_decimal),
            repeated_places: t.repeated_places,
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            a.kecamatan.is_none(),
            &a.kecamatan,
            std::cmp::Reverse(a.complaints),
        )
            .cmp(&(
                b.kecamatan.is_none(),
                &b.kecamatan,
                std::cmp::Reverse(b.complaints),
            ))
    });
    Ok(PlanningView {
        agency: agency.to_string(),
        agency_name: agency_name.clone(),
        year,
        rows,
    })
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
