//! Analytics tables as files: rows with stable column names written as CSV (formula-safe) or
//! XLSX (numbers as numbers). The JSON API and the console both send these.

use crate::error::ServiceError;

/// A row that has a CSV form.
pub trait Tabular {
    const COLUMNS: &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

/// How an answer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

/// `json` (default), `csv` or `xlsx`.
pub fn format_of(format: Option<&str>) -> Result<Format, ServiceError> {
    match format {
        None | Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some("xlsx") => Ok(Format::Xlsx),
        Some(_) => Err(ServiceError::bad_request(
            "invalid_query",
            "format must be json, csv or xlsx",
        )),
    }
}

/// The rows as an XLSX workbook of one sheet: the header, then one row per row; numbers as
/// numbers.
pub fn xlsx<R: Tabular>(sheet: &str, rows: &[R]) -> Result<Vec<u8>, ServiceError> {
    let fail = |e: rust_xlsxwriter::XlsxError| ServiceError::internal(anyhow::anyhow!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet.chars().take(31).collect::<String>())
        .map_err(fail)?;
    for (c, name) in R::COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *name).map_err(fail)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.cells().iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(n) if n.is_finite() => ws.write_number(r, c, n).map(|_| ()),
                _ => ws.write_string(r, c, v).map(|_| ()),
            }
            .map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// A CSV cell a spreadsheet will not run as a formula (OWASP "CSV injection"): text that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe.
/// Numbers, negative ones included, stay numbers.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.parse::<f64>().is_ok_and(f64::is_finite) && !cell.starts_with('+');
    if risky && !number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A table written as a file to download.
pub struct Download {
    pub content_type: &'static str,
    /// `trends-filed-category-month-2026-01-01-2026-12-31.csv`
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// The rows as a CSV or XLSX file named `{name}.csv|xlsx`; none for JSON.
pub fn download<R: Tabular>(
    format: Format,
    name: &str,
    rows: &[R],
) -> Result<Option<Download>, ServiceError> {
    Ok(Some(match format {
        Format::Json => return Ok(None),
        Format::Xlsx => Download {
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename: format!("{name}.xlsx"),
            bytes: xlsx(name.split('-').next().unwrap_or("data"), rows)?,
        },
        Format::Csv => Download {
            content_type: "text/csv; charset=utf-8",
            filename: format!("{name}.csv"),
            bytes: csv(rows)?,
        },
    }))
}

/// The rows as CSV: the header, then one line per row, every text cell made inert.
pub fn csv<R: Tabular>(rows: &[R]) -> Result<Vec<u8>, ServiceError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(R::COLUMNS).map_err(ServiceError::internal)?;
    for r in rows {
        let cells = r.cells();
        w.write_record(cells.iter().map(|c| inert(c).into_owned()))
            .map_err(ServiceError::internal)?;
    }
    w.into_inner()
        .map_err(|e| ServiceError::internal(anyhow::anyhow!("{e}")))
}

/// An optional text cell.
pub fn cell(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for risky in [
            "=1+1",
            "+62812",
            "-cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "-",
        ] {
            assert_eq!(inert(risky), format!("'{risky}"), "{risky:?}");
        }
        for kept in ["-3.5", "0", "12", "jalan", "a=b", ""] {
            assert_eq!(inert(kept), kept);
        }
    }
}
