//! What every operation can answer besides what its handler declares, added to the document
//! utoipa collects: the refusals of the frame around the handlers (sign-in, roles, malformed
//! paths, queries and bodies, body limits, an unavailable database), each as problem+json, and
//! a description on every response (OpenAPI requires one).

use actix_web::http::StatusCode;
use serde_json::{json, Map, Value};

use super::METHODS;

/// Why the frame refuses with `status`, as the document says it.
fn refusal(status: u16) -> &'static str {
    match status {
        400 => "The path, query or body is malformed (`invalid_path`, `invalid_query`, `malformed_json`)",
        401 => "No valid bearer token or API key",
        403 => "The caller's role or agency may not do this",
        404 => "No such resource in the caller's jurisdiction",
        408 => "The request took longer than the server waits",
        413 => "The body is larger than the server accepts",
        415 => "The body is not of the content type this operation takes",
        422 => "A field is missing or invalid; `errors` names each",
        503 => "The database is unavailable for the moment; retry after `Retry-After`",
        _ => "Refused",
    }
}

/// What `op` (at `path`) can be refused with by the frame, whatever its handler does.
fn refusals(path: &str, op: &Map<String, Value>) -> Vec<u16> {
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
        });
    let in_path = path.contains('{');
    let has_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let has_body = op.contains_key("requestBody");
    let mut out = vec![503];
    if in_path || has_query || has_body {
        out.push(400);
    }
    if secured {
        out.extend([401, 403]);
    }
    if in_path {
        out.push(404);
    }
    if has_body {
        out.extend([408, 413, 415, 422]);
    }
    out.sort_unstable();
    out
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// The standard reason of `status` ("OK", "Created", …) for a response without a description.
fn reason(status: &str) -> &'static str {
    status
        .parse::<u16>()
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Answer")
}

/// Whether `method` at `path` takes an `Idempotency-Key` (every POST that creates or acts;
/// signing in and out do neither).
fn idempotent(path: &str, method: &str) -> bool {
    method == "post" && !path.starts_with("/api/v1/auth/")
}

/// The `Idempotency-Key` header parameter (`app::idempotency`).
fn idempotency_key() -> Value {
    json!({
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "A key of the caller's choosing (1 to 255 visible ASCII characters, e.g. a UUID) \
            that makes a retry safe: the first answer is kept with the key for 24 hours, and the same \
            request sent again with it gets that answer again (with `Idempotent-Replayed: true`) and \
            changes nothing. The same key with a different request is 422 `idempotency_key_reused`; \
            while the first request still runs, 409 `idempotency_key_in_use` with `Retry-After`.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^(\"[!#-~]+\"|[!#-~]+)$"}
    })
}

/// Adds the idempotency key and its refusals to `op`.
fn add_idempotency(op: &mut Map<String, Value>) {
    let params = op
        .entry("parameters")
        .or_insert_with(|| json!([]))
        .as_array_mut();
    if let Some(params) = params {
        params.push(idempotency_key());
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for (status, why) in [
            (400, "The path, query, body or `Idempotency-Key` is malformed"),
            (409, "A request with this `Idempotency-Key` is still running (`idempotency_key_in_use`); retry after `Retry-After`"),
            (422, "A field is missing or invalid (`errors` names each), or the `Idempotency-Key` was used for a different request (`idempotency_key_reused`)"),
        ] {
            responses.entry(status.to_string()).or_insert_with(|| problem(why));
        }
    }
}

/// Completes one operation's responses.
fn complete_operation(path: &str, method: &str, op: &mut Map<String, Value>) {
    if idempotent(path, method) {
        add_idempotency(op);
    }
    let codes = refusals(path, op);
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    for status in codes {
        responses
            .entry(status.to_string())
            .or_insert_with(|| problem(refusal(status)));
    }
    for (status, r) in responses.iter_mut() {
        if let Some(r) = r.as_object_mut() {
            let empty = r
                .get("description")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty);
            if empty {
                r.insert("description".into(), reason(status).into());
            }
        }
    }
}

/// The document `doc` as JSON, with every operation's refusals, every response's description
/// and the operation links. (Kept as JSON: utoipa's types do not all read their own output
/// back.)
pub fn complete(doc: utoipa::openapi::OpenApi) -> Value {
    let mut v = serde_json::to_value(&doc).expect("the document is JSON");
    if let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for m in METHODS {
                if let Some(op) = item.get_mut(m).and_then(Value::as_object_mut) {
                    complete_operation(path, m, op);
                }
            }
        }
    }
    super::links::add(&mut v);
    refer_to_components(&mut v);
    v
}

/// Replaces each inline object schema that is a copy of a component (utoipa inlines the `T` of
/// a generic such as `Paged<T>`) by a reference to it, so generated clients get one type for
/// one thing (`EventView`, not also `PagedEventViewItemsItem`).
fn refer_to_components(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let named: std::collections::HashMap<String, String> = schemas
        .iter()
        .filter(|(_, s)| s.get("properties").is_some())
        .map(|(name, s)| (s.to_string(), format!("#/components/schemas/{name}")))
        .collect();
    fn walk(v: &mut Value, named: &std::collections::HashMap<String, String>, top: bool) {
        if !top && v.get("properties").is_some() {
            if let Some(r) = named.get(&v.to_string()) {
                *v = json!({ "$ref": r });
                return;
            }
        }
        match v {
            Value::Object(m) => m.values_mut().for_each(|c| walk(c, named, false)),
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, named, false)),
            _ => {}
        }
    }
    if let Some(paths) = doc.get_mut("paths") {
        walk(paths, &named, true);
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        // A component is not replaced by a reference to itself; what is inside it may be.
        schemas.values_mut().for_each(|s| walk(s, &named, true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secured_operation_with_an_id_and_a_body_lists_every_refusal() {
        let op = json!({"security": [{"bearer": []}], "requestBody": {}, "responses": {}});
        let op = op.as_object().unwrap();
        assert_eq!(
            refusals("/api/v1/things/{id}", op),
            [400, 401, 403, 404, 408, 413, 415, 422, 503]
        );
        let public = json!({"responses": {}});
        assert_eq!(refusals("/healthz", public.as_object().unwrap()), [503]);
    }

    #[test]
    fn declared_answers_are_kept_and_described() {
        let mut op = json!({
            "security": [{"bearer": []}],
            "responses": {"200": {"content": {}}, "403": {"description": "Only admins"}}
        });
        complete_operation("/api/v1/x", "get", op.as_object_mut().unwrap());
        let r = &op["responses"];
        assert_eq!(r["200"]["description"], "OK");
        assert_eq!(r["403"]["description"], "Only admins");
        assert_eq!(
            r["401"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
        let order: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(order, ["200", "401", "403", "503"]);
    }

    #[test]
    fn an_inlined_copy_of_a_component_becomes_a_reference() {
        let entry = json!({"type": "object", "properties": {"seq": {"type": "integer"}}});
        let mut doc = json!({
            "paths": {},
            "components": {"schemas": {
                "EventView": entry,
                "Paged_EventView": {"type": "object", "properties": {"items": {"type": "array", "items": entry}}},
                "Id": {"type": "string", "format": "uuid"},
                "Other": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}
            }}
        });
        refer_to_components(&mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["Paged_EventView"]["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/EventView"
        );
        assert_eq!(s["EventView"], entry);
        // Plain schemas are left inline even when a component looks the same.
        assert_eq!(s["Other"]["properties"]["id"]["format"], "uuid");
    }

    #[test]
    fn a_post_that_acts_takes_an_idempotency_key_and_signing_in_does_not() {
        let mut op = json!({"security": [{"bearer": []}], "requestBody": {}, "responses": {}});
        complete_operation("/api/v1/tickets", "post", op.as_object_mut().unwrap());
        assert_eq!(op["parameters"][0]["name"], "Idempotency-Key");
        assert!(op["responses"]["409"]["description"]
            .as_str()
            .unwrap()
            .contains("idempotency_key_in_use"));
        let mut sign_in = json!({"requestBody": {}, "responses": {}});
        complete_operation(
            "/api/v1/auth/token",
            "post",
            sign_in.as_object_mut().unwrap(),
        );
        assert!(sign_in.get("parameters").is_none());
        assert!(sign_in["responses"].get("409").is_none());
    }
}
