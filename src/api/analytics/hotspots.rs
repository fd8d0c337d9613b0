use std::collections::{BTreeMap, HashMap};

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::export::{cell, format_of, period, respond, Period, Tabular};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::analytics;
use crate::domain::analytics::place_key;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

/// A code and its name.
type Named = (String, String);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HotspotsQuery {
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// How many areas (1 to 200; default 20).
    pub limit: Option<usize>,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
    /// For CSV and XLSX: `areas` (default) or `repeated`.
    pub table: Option<String>,
}

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

/// Where complaints gather: kecamatan × category, and repeated complaints at the same place.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(HotspotsQuery), responses(
    (status = 200, body = HotspotsView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/analytics/hotspots")]
pub async fn hotspots(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<HotspotsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAnalytics)?;
    let q = query.into_inner();
    let fmt = format_of(q.format.as_deref())?;
    let repeated_table = match q.table.as_deref().map(str::trim) {
        None | Some("") | Some("areas") => false,
        Some("repeated") => true,
        Some(_) => {
            return Err(ServiceError::bad_request(
                "invalid_query",
                "table must be areas or repeated",
            )
            .into())
        }
    };
    let limit = q.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(
            ServiceError::bad_request("invalid_query", "limit must be from 1 to 200").into(),
        );
    }
    let Period {
        from,
        to,
        start,
        end,
    } = period(caller.timezone(), q.from, q.to)?;
    let jur = caller.jurisdiction_id.clone();
    let (places, regions, categories) = state
        .db
        .read(move |c| {
            Ok::<_, ServiceError>((
                analytics::filed_places(c, &jur, start, end)?,
                analytics::kecamatan_names(c, &jur)?,
                analytics::category_names(c, &jur)?,
            ))
        })
        .await?;
    let code = |m: &HashMap<String, (String, String)>, id: &Option<String>| {
        id.as_ref().and_then(|i| m.get(i).cloned())
    };
    let mut areas: BTreeMap<(Option<Named>, Option<Named>), i64> = BTreeMap::new();
    let mut spots: BTreeMap<(Option<String>, (i64, i64)), i64> = BTreeMap::new();
    for (category, region, lat, lng) in &places {
        let cat = code(&categories, category);
        *areas
            .entry((code(&regions, region), cat.clone()))
            .or_default() += 1;
        if let (Some(lat), Some(lng)) = (lat, lng) {
            *spots
                .entry((cat.map(|c| c.0), place_key(*lat, *lng)))
                .or_default() += 1;
        }
    }
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
    let mut repeated: Vec<RepeatRow> = spots
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|((category, (la, lo)), count)| RepeatRow {
            category,
            lat: la as f64 / 1000.0,
            long: lo as f64 / 1000.0,
            count,
        })
        .collect();
    repeated.sort_by_key(|a| std::cmp::Reverse(a.count));
    repeated.truncate(limit);
    let view = HotspotsView {
        from,
        to,
        areas,
        repeated,
    };
    if repeated_table {
        respond(
            fmt,
            &format!("hotspots-repeated-{from}-{to}"),
            &view,
            &view.repeated,
        )
    } else {
        respond(fmt, &format!("hotspots-{from}-{to}"), &view, &view.areas)
    }
}
