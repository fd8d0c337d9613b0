//! Row types and the queries on them, one module per table. Every query takes the caller's
//! jurisdiction, so no function here can return another jurisdiction's rows.

pub mod account;
pub mod activity;
pub mod agency;
pub mod analytics;
pub mod api_key;
pub mod attachment;
pub mod audit;
pub mod category;
pub mod clock;
pub mod division;
pub mod event;
pub mod field_visit;
pub mod hold;
pub mod holiday;
pub mod idempotency_key;
pub mod jurisdiction;
pub mod open311_request;
pub mod patrol;
pub mod place;
pub mod published_photo;
pub mod recap;
pub mod recap_fact;
pub mod recap_source;
pub mod region;
pub mod revoked_token;
pub mod rollup;
pub mod sla_count;
pub mod sla_target;
pub mod ticket;
pub mod user;
pub mod webhook;

use diesel::sql_types::Text;

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends for ASCII.
    fn lower(x: Text) -> Text;
}

/// One page of a keyset-paginated list.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The sort key of the last item, when more items follow.
    pub next_after: Option<String>,
}

impl<T> Page<T> {
    /// `rows` were loaded with `limit + 1`: the extra row only says that another page exists.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Page<T> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit.max(0) as usize);
        let next_after = if more { rows.last().map(key) } else { None };
        Page {
            items: rows,
            next_after,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_after: self.next_after,
        }
    }
}

/// A `LIKE` pattern that matches `needle` anywhere, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(needle: &str) -> String {
    let mut p = String::from("%");
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_know_when_more_follow() {
        let p = Page::from_rows(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(p.items, vec![1, 2]);
        assert_eq!(p.next_after.as_deref(), Some("2"));
        let p = Page::from_rows(vec![1, 2], 2, |n| n.to_string());
        assert_eq!(p.next_after, None);
    }

    #[test]
    fn patterns_escape_wildcards() {
        assert_eq!(contains_pattern("Jalan"), "%jalan%");
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
