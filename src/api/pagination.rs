//! Cursor pagination shared by every list: `limit` (default 50, at most 200) and an opaque
//! `cursor`; answers `{items, next_cursor}`. Cursors hold the last sort key, so a page is stable
//! when rows are added before it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::Page;
use crate::error::ServiceError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
const PREFIX: &str = "v1:";

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Paged<T> {
    pub fn from_page<R>(page: Page<R>, f: impl FnMut(R) -> T) -> Paged<T> {
        let page = page.map(f);
        Paged {
            items: page.items,
            next_cursor: page.next_after.as_deref().map(encode),
        }
    }
}

pub fn encode(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}{key}"))
}

pub fn decode(cursor: &str) -> Result<String, ServiceError> {
    let bad =
        || ServiceError::bad_request("invalid_cursor", "the cursor is not one this API gave out");
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix(PREFIX)
        .map(str::to_string)
        .ok_or_else(bad)
}

/// Checks `limit` and decodes `cursor`.
pub fn params(
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<(i64, Option<String>), ServiceError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ServiceError::bad_request(
            "invalid_query",
            format!("limit must be from 1 to {MAX_LIMIT}"),
        ));
    }
    let after = cursor.filter(|c| !c.is_empty()).map(decode).transpose()?;
    Ok((limit, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let c = encode("kec-jalancagak");
        assert_eq!(decode(&c).unwrap(), "kec-jalancagak");
        assert!(decode("not-a-cursor!").is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("v0:x")).is_err());
    }

    #[test]
    fn limits() {
        assert_eq!(params(None, None).unwrap(), (50, None));
        assert!(params(Some(0), None).is_err());
        assert!(params(Some(201), None).is_err());
        assert_eq!(params(Some(200), Some("")).unwrap(), (200, None));
    }
}
