//! The one way an analytics answer is sent: JSON (the whole view), or its rows as CSV with
//! stable column names.

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;

use crate::error::ApiError;

/// A row that has a CSV form.
pub trait Tabular {
    const COLUMNS: &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

/// `json` (default) or `csv`.
pub fn wants_csv(format: Option<&str>) -> Result<bool, ApiError> {
    match format.map(str::trim) {
        None | Some("") | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => Err(ApiError::bad_request(
            "invalid_query",
            "format must be json or csv",
        )),
    }
}

pub fn respond<V: Serialize, R: Tabular>(
    csv: bool,
    filename: &str,
    view: &V,
    rows: &[R],
) -> Result<HttpResponse, ApiError> {
    if !csv {
        return Ok(HttpResponse::Ok().json(view));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(R::COLUMNS).map_err(ApiError::internal)?;
    for r in rows {
        w.write_record(r.cells()).map_err(ApiError::internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}.csv\""),
        ))
        .body(bytes))
}

/// An optional text cell.
pub fn cell(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// A period of local days `[from, to]` (default: the year up to today) and its UTC bounds
/// `[start, end)`.
pub struct Period {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub start: chrono::NaiveDateTime,
    pub end: chrono::NaiveDateTime,
}

pub fn period(
    tz: chrono_tz::Tz,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<Period, ApiError> {
    use chrono::{Days, TimeZone, Utc};
    let bad = |d: &str| ApiError::bad_request("invalid_query", d.to_string());
    let today = Utc::now().with_timezone(&tz).date_naive();
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| to - Days::new(364));
    if from > to {
        return Err(bad("from must not be after to"));
    }
    if (to - from).num_days() > 5 * 366 {
        return Err(bad("a period spans at most five years"));
    }
    let midnight = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc).naive_utc())
            .ok_or_else(|| bad("a day without a midnight in this time zone"))
    };
    Ok(Period {
        from,
        to,
        start: midnight(from)?,
        end: midnight(to + Days::new(1))?,
    })
}
