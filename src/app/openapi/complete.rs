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

/// Completes one operation's responses.
fn complete_operation(path: &str, op: &mut Map<String, Value>) {
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
                    complete_operation(path, op);
                }
            }
        }
    }
    super::links::add(&mut v);
    v
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
        complete_operation("/api/v1/x", op.as_object_mut().unwrap());
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
}
