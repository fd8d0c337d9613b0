//! "Bahan perencanaan": the table an agency (OPD) brings to its Renja/RKPD planning — a year of
//! the complaints it holds, by kecamatan and category: how many, the share fixed, the median
//! days from complaint to fix, and the places complained about again and again.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use super::table::{cell, Tabular};
use super::{by_code, code_of, period};
use crate::db::models::analytics;
use crate::db::DbConnection;
use crate::domain::analytics::place_key;
use crate::domain::lifecycle::Status;
use crate::error::ServiceError;

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
    /// Median days from complaint to its (last) fix, one decimal; null when none was fixed.
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

/// What one kecamatan × category gathers.
#[derive(Default)]
struct Tally {
    complaints: i64,
    days_to_fix: Vec<f64>,
    places: HashMap<(i64, i64), i64>,
}

/// The planning table of agency `agency` (its code) for `year`, in the jurisdiction's zone.
pub fn planning(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    agency: &str,
    year: i32,
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
    let (tickets, fixes) =
        analytics::planning_tickets(conn, jurisdiction_id, agency_id, p.start, p.end)?;
    let kecamatan = analytics::kecamatan_names(conn, jurisdiction_id)?;
    let categories = analytics::category_names(conn, jurisdiction_id)?;
    let last_fix: HashMap<&str, NaiveDateTime> =
        fixes.iter().map(|(t, at)| (t.as_str(), *at)).collect();
    let fixed_states = [Status::Resolved.as_str(), Status::Closed.as_str()];
    let mut tallies: BTreeMap<(Option<String>, Option<String>), Tally> = BTreeMap::new();
    for (id, status, category, region, lat, lng, created) in &tickets {
        let key = (
            code_of(&kecamatan, region.as_deref()),
            code_of(&categories, category.as_deref()),
        );
        let t = tallies.entry(key).or_default();
        t.complaints += 1;
        if let Some(at) = last_fix.get(id.as_str()) {
            if fixed_states.contains(&status.as_str()) {
                t.days_to_fix
                    .push((*at - *created).num_minutes().max(0) as f64 / 1440.0);
            }
        }
        if let (Some(lat), Some(lng)) = (lat, lng) {
            *t.places.entry(place_key(*lat, *lng)).or_default() += 1;
        }
    }
    let (kecamatan, categories) = (by_code(&kecamatan), by_code(&categories));
    let name = |names: &HashMap<&str, &str>, code: &Option<String>| {
        code.as_deref()
            .and_then(|c| names.get(c))
            .map(|n| n.to_string())
    };
    let mut rows: Vec<PlanningRow> = tallies
        .into_iter()
        .map(|((kec, cat), t)| PlanningRow {
            kecamatan_name: name(&kecamatan, &kec),
            category_name: name(&categories, &cat),
            kecamatan: kec,
            category: cat,
            complaints: t.complaints,
            fixed: t.days_to_fix.len() as i64,
            fixed_percent: one_decimal(100.0 * t.days_to_fix.len() as f64 / t.complaints as f64),
            median_days_to_fix: median(t.days_to_fix).map(one_decimal),
            repeated_places: t.places.values().filter(|n| **n >= 2).count() as i64,
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

/// The median (the mean of the middle two for an even count).
fn median(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
