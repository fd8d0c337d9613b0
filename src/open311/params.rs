//! A request's parameters: the query string, then (for POST) the form body, as name–value
//! pairs in order. An empty value counts as absent, as the specification asks.

use chrono::{DateTime, Utc};

use crate::domain::open311 as rules;
use crate::domain::questions::Given;

/// The part of a list a request asks for: a date window and a page.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// The pairs of a query string or an `application/x-www-form-urlencoded` body.
    pub fn parse(encoded: &[u8]) -> Params {
        Params(
            url::form_urlencoded::parse(encoded)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn extend(&mut self, pairs: impl IntoIterator<Item = (String, String)>) {
        self.0.extend(pairs);
    }

    pub fn merge(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// The first non-blank value of `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// `start_date`, `end_date`, `page` and `page_size`, checked by the rules of
    /// `domain::open311`; each problem is added to `problems`.
    pub fn span(&self, zone: &chrono_tz::Tz, problems: &mut Vec<String>) -> Span {
        let mut date = |name: &str| {
            let raw = self.get(name)?;
            let parsed = rules::parse_datetime(raw, zone);
            if parsed.is_none() {
                problems.push(format!(
                    "{name} must be a W3C date and time such as 2026-01-31T00:00:00+07:00, not '{raw}'"
                ));
            }
            parsed
        };
        let (start, end) = (date("start_date"), date("end_date"));
        let now = Utc::now();
        let (from, to) = rules::window(start, end, now).unwrap_or_else(|e| {
            problems.push(e);
            (now, now)
        });
        let (page, size) =
            rules::paging(self.get("page"), self.get("page_size")).unwrap_or_else(|e| {
                problems.push(e);
                (1, rules::MAX_PAGE_SIZE)
            });
        Span {
            from,
            to,
            offset: (page - 1) * size,
            limit: size,
        }
    }

    /// Every `attribute[CODE]` (and `attribute[CODE][]`, for several values) by code.
    pub fn attributes(&self) -> Given {
        let mut out = Given::new();
        for (k, v) in &self.0 {
            let Some(inner) = k.strip_prefix("attribute[") else {
                continue;
            };
            let inner = inner.strip_suffix("[]").unwrap_or(inner);
            let Some(code) = inner.strip_suffix(']') else {
                continue;
            };
            if !code.is_empty() {
                out.entry(code.to_string()).or_default().push(v.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_absent_and_attributes_are_grouped() {
        let p = Params::parse(
            b"service_code=&service_code=jalan&lat=+-6.5+&attribute%5Btingkat%5D=berat\
              &attribute[penyebab][]=sampah&attribute[penyebab][]=hujan&attribute[]=x&attribute=y",
        );
        assert_eq!(p.get("service_code"), Some("jalan"));
        assert_eq!(p.get("lat"), Some("-6.5"));
        assert_eq!(p.get("long"), None);
        let a = p.attributes();
        assert_eq!(a.len(), 2);
        assert_eq!(a["tingkat"], ["berat"]);
        assert_eq!(a["penyebab"], ["sampah", "hujan"]);
    }
}
