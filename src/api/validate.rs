//! Reading request bodies: PATCH fields that may be cleared, text fields that may be blank.
//! (Field errors are collected with `error::Checks`.)

use serde::{Deserialize, Deserializer};

/// For PATCH bodies: absent → `None` (unchanged), `null` → `Some(None)` (clear), value → `Some(Some(v))`.
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

/// Trims a text field and treats an empty one as absent.
pub fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}
