//! A request's parameters: the query string, then (for POST) the form body, as name–value
//! pairs in order. An empty value counts as absent, as the specification asks.

use crate::domain::questions::Given;

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
