//! The API's surface as a list of lines — each operation, and each field of each success
//! answer (`GET /api/v1/tickets/{id} 200 .agency.code`) — committed in `openapi/surface.txt`
//! so that a test notices when something a client may rely on disappears
//! (`docs/api-versioning.md`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::METHODS;

/// Fields nest at most this deep (a recursive schema stops here).
const DEPTH: usize = 6;

/// The schema `s` with its `$ref` followed, and the name of what it referred to.
fn resolve<'a>(doc: &'a Value, s: &'a Value) -> (&'a Value, Option<&'a str>) {
    match s["$ref"].as_str() {
        Some(r) => (
            r.strip_prefix('#')
                .and_then(|p| doc.pointer(p))
                .unwrap_or(&Value::Null),
            Some(r),
        ),
        None => (s, None),
    }
}

/// Every field path under schema `s` at `prefix`, into `out`; `seen` the references on the way
/// (a schema that contains itself is walked once).
fn fields(
    doc: &Value,
    s: &Value,
    prefix: &str,
    seen: &mut Vec<String>,
    out: &mut BTreeSet<String>,
) {
    let (s, name) = resolve(doc, s);
    if seen.len() >= DEPTH || name.is_some_and(|n| seen.iter().any(|x| x == n)) {
        return;
    }
    if let Some(n) = name {
        seen.push(n.to_string());
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in s[key].as_array().into_iter().flatten() {
            fields(doc, part, prefix, seen, out);
        }
    }
    if let Some(items) = s.get("items") {
        fields(doc, items, &format!("{prefix}[]"), seen, out);
    }
    for (field, sub) in s["properties"].as_object().into_iter().flatten() {
        let path = format!("{prefix}.{field}");
        out.insert(path.clone());
        fields(doc, sub, &path, seen, out);
    }
    if name.is_some() {
        seen.pop();
    }
}

/// The surface of the document `doc`, one line per operation and per answered field.
pub fn surface(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let operation = format!("{} {path}", m.to_uppercase());
            out.insert(operation.clone());
            for (status, r) in op["responses"].as_object().into_iter().flatten() {
                if !status.starts_with('2') {
                    continue;
                }
                let (r, _) = resolve(doc, r);
                for (media, content) in r["content"].as_object().into_iter().flatten() {
                    out.insert(format!("{operation} {status} {media}"));
                    let mut found = BTreeSet::new();
                    fields(doc, &content["schema"], "", &mut Vec::new(), &mut found);
                    out.extend(
                        found
                            .into_iter()
                            .map(|f| format!("{operation} {status} {f}")),
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_answers_and_nested_fields() {
        let doc = json!({
            "components": {"schemas": {
                "T": {"properties": {"id": {}, "agency": {"$ref": "#/components/schemas/A"},
                       "events": {"items": {"$ref": "#/components/schemas/T"}}}},
                "A": {"oneOf": [{"type": "null"}, {"properties": {"code": {}}}]}
            }},
            "paths": {"/t/{id}": {"get": {"responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}},
                "404": {"content": {"application/json": {"schema": {"properties": {"x": {}}}}}}
            }}}}
        });
        let s: Vec<String> = surface(&doc).into_iter().collect();
        assert_eq!(
            s,
            [
                "GET /t/{id}",
                "GET /t/{id} 200 .agency",
                "GET /t/{id} 200 .agency.code",
                "GET /t/{id} 200 .events",
                "GET /t/{id} 200 .id",
                "GET /t/{id} 200 application/json",
            ]
        );
    }
}
