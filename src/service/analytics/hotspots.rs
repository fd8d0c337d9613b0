//! Hotspots: where complaints gather — the kecamatan × category pairs with the most, and places
//! (about 100 m) with repeated complaints of one category. The areas are counted from the
//! pair rollups (by month, and by day around the months) when they are complete; the places
//! of a period with many complaints from the place totals (`service::places`), of a short one
//! from its tickets.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use chrono_tz::Tz;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use super::table::{cell, Tabular};
use crate::db::models::analytics;
use crate::db::DbConnection;
use crate::domain::analytics::{key_id, place_key, GroupBy, Metric, Period};
use crate::service::projections::{self, Source};
use crate::service::{places, rollups};

/// A code and its name.
type Named = (String, String);

/// Complaints filed in a kecamatan about a category. Columns: `region, region_name, category,
/// category_name, count`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaRow {
    pub region: Option<String>,
    pub region_name: Option<String>,
    pub category: Option<String>,
    pub category_name: Option<String>,
    pub count: i64,
}

impl Tabular for AreaRow {
    const COLUMNS: &'static [&'static str] = &[
        "region",
        "region_name",
        "category",
        "category_name",
        "count",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            cell(&self.region),
            cell(&self.region_name),
            cell(&self.category),
            cell(&self.category_name),
            self.count.to_string(),
        ]
    }
}

/// Repeated complaints about one category at one place (within about 100 m). Columns:
/// `category, lat, long, count`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepeatRow {
    pub category: Option<String>,
    /// The place, rounded to three decimals.
    pub lat: f64,
    pub long: f64,
    pub count: i64,
}

impl Tabular for RepeatRow {
    const COLUMNS: &'static [&'static str] = &["category", "lat", "long", "count"];
    fn cells(&self) -> Vec<String> {
        vec![
            cell(&self.category),
            format!("{:.3}", self.lat),
            format!("{:.3}", self.long),
            self.count.to_string(),
        ]
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HotspotsView {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// The kecamatan × category pairs with the most complaints, most first.
    pub areas: Vec<AreaRow>,
    /// Places with two or more complaints of one category, most first.
    pub repeated: Vec<RepeatRow>,
}

/// The `limit` biggest hotspots of complaints filed in `p` (local days of `tz`): the areas
/// from the rollups when they are complete for `tz`.
pub fn hotspots(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    p: &Period,
    limit: usize,
) -> QueryResult<HotspotsView> {
    let source = projections::source(conn, jurisdiction_id, tz)?;
    hotspots_from(conn, jurisdiction_id, p, limit, source)
}

/// The filings of `p` by `(category_id, region_id)`, from `source`.
fn filed_areas(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    source: Source,
) -> QueryResult<Vec<(analytics::Area, i64)>> {
    match source {
        Source::Raw => analytics::filed_areas(conn, jurisdiction_id, p.start, p.end),
        Source::Projections => {
            let dims = rollups::Dims::of(GroupBy::Category, Some(GroupBy::Region));
            let counts =
                rollups::period_counts(conn, jurisdiction_id, Metric::Filed, dims, (p.from, p.to))?;
            Ok(counts
                .into_iter()
                .map(|(key, n)| {
                    let (category, region) = dims.split(&key);
                    ((key_id(category), key_id(region)), n)
                })
                .collect())
        }
    }
}

/// Below this many complaints filed in a period, its places are counted from its tickets;
/// above, from the top of the place totals (`places::repeated`).
const FEW: i64 = 50_000;

/// The `limit` places with the most complaints of one category filed in `p`, two or more
/// each, most first (ties in category code and place order): counted from the tickets, or
/// with `walk` found from the place totals.
pub fn repeated_places(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    limit: usize,
    walk: bool,
) -> QueryResult<Vec<RepeatRow>> {
    let spots = if walk {
        places::repeated(conn, jurisdiction_id, p, limit)?
    } else {
        let mut spots = places::Spots::new();
        for (category, lat, lng) in analytics::filed_spots(conn, jurisdiction_id, p.start, p.end)? {
            *spots.entry((category, place_key(lat, lng))).or_default() += 1;
        }
        spots
    };
    let categories = analytics::category_names(conn, jurisdiction_id)?;
    let mut by_code: BTreeMap<(Option<String>, (i64, i64)), i64> = BTreeMap::new();
    for ((category, place), n) in spots {
        let code = category.and_then(|c| categories.get(&c).map(|(code, _)| code.clone()));
        *by_code.entry((code, place)).or_default() += n;
    }
    let mut repeated: Vec<RepeatRow> = by_code
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|((category, (la, lo)), count)| RepeatRow {
            category,
            lat: la as f64 / 1000.0,
            long: lo as f64 / 1000.0,
            count,
        })
        .collect();
    // Most first; ties in code order (the map's order, kept by a stable sort).
    repeated.sort_by_key(|a| std::cmp::Reverse(a.count));
    repeated.truncate(limit);
    Ok(repeated)
}

/// `hotspots` with the areas from `source`; from the rollups, the places of a period with many
/// complaints are found from the place totals.
pub fn hotspots_from(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    limit: usize,
    source: Source,
) -> QueryResult<HotspotsView> {
    let regions = analytics::kecamatan_names(conn, jurisdiction_id)?;
    let categories = analytics::category_names(conn, jurisdiction_id)?;
    let code = |m: &HashMap<String, (String, String)>, id: &Option<String>| {
        id.as_ref().and_then(|i| m.get(i).cloned())
    };
    // Counted by the database per category and region; desa summed into their kecamatan here.
    let mut areas: BTreeMap<(Option<Named>, Option<Named>), i64> = BTreeMap::new();
    let mut filed = 0;
    for ((category, region), n) in filed_areas(conn, jurisdiction_id, p, source)? {
        filed += n;
        *areas
            .entry((code(&regions, &region), code(&categories, &category)))
            .or_default() += n;
    }
    let walk = source == Source::Projections && filed > FEW;
    let repeated = repeated_places(conn, jurisdiction_id, p, limit, walk)?;
    let mut areas: Vec<AreaRow> = areas
        .into_iter()
        .map(|((region, category), count)| AreaRow {
            region: region.as_ref().map(|r| r.0.clone()),
            region_name: region.map(|r| r.1),
            category: category.as_ref().map(|c| c.0.clone()),
            category_name: category.map(|c| c.1),
            count,
        })
        .collect();
    // Most first; ties in code order (the map's order, kept by a stable sort).
    areas.sort_by_key(|a| std::cmp::Reverse(a.count));
    areas.truncate(limit);
    Ok(HotspotsView {
        from: p.from,
        to: p.to,
        areas,
        repeated,
    })
}
