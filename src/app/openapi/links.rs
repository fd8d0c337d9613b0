//! Operation links (OpenAPI 3.1 `links`), so a client — or a stateful fuzzer — can follow what
//! an answer makes possible: from a creation (`POST P` answering 201 with an `id`) to what
//! acts on the created resource (`P/{id}` and `P/{id}/…`); from an operation on a resource
//! (`R/{id}…`) to the others on the same resource, with the same id. Derived from the paths,
//! so a new operation is linked without a table to keep.

use serde_json::{json, Map, Value};

use super::METHODS;

/// `(path, method, operationId)` of every operation.
fn operations(paths: &Map<String, Value>) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    for (path, item) in paths {
        for m in METHODS {
            if let Some(id) = item.get(m).and_then(|o| o["operationId"].as_str()) {
                out.push((path.clone(), m, id.to_string()));
            }
        }
    }
    out
}

/// The resource `path` acts on and its id parameter: `/api/v1/tickets/{id}/route` →
/// (`/api/v1/tickets/{id}`, `id`), taking the last `{param}` of the path.
fn resource_of(path: &str) -> Option<(&str, &str)> {
    let open = path.rfind('{')?;
    let close = open + path[open..].find('}')?;
    Some((&path[..=close], &path[open + 1..close]))
}

/// Is `other` the resource `base` itself or one step below it (`base/x`)?
fn acts_on(base: &str, other: &str) -> bool {
    other == base
        || other
            .strip_prefix(base)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

/// Does the schema of the 201 answer `response` have a top-level `id`?
fn creates_with_id(response: &Value, schemas: &Map<String, Value>) -> bool {
    let schema = &response["content"]["application/json"]["schema"];
    let schema = match schema["$ref"].as_str() {
        Some(r) => r
            .strip_prefix("#/components/schemas/")
            .and_then(|n| schemas.get(n))
            .unwrap_or(&Value::Null),
        None => schema,
    };
    schema["properties"].get("id").is_some()
}

/// Names a link after the operation it leads to.
fn link(operation_id: &str, param: &str, source: &str) -> (String, Value) {
    (
        operation_id.to_string(),
        json!({"operationId": operation_id, "parameters": {param: source}}),
    )
}

/// Adds the links to every success answer of the document `doc`.
pub fn add(doc: &mut Value) {
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let ops = operations(paths);
    for (path, method, own) in &ops {
        let op = &mut paths[path.as_str()][*method];
        let Some(responses) = op["responses"].as_object_mut() else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            if !status.starts_with('2') {
                continue;
            }
            let mut links = Map::new();
            // What acts on a resource this one created.
            if *method == "post" && status == "201" && creates_with_id(response, &schemas) {
                let base = format!("{path}/{{id}}");
                for (p, _, id) in ops.iter().filter(|(p, ..)| acts_on(&base, p)) {
                    let (_, param) = resource_of(p).unwrap_or((p, "id"));
                    let (name, l) = link(id, param, "$response.body#/id");
                    links.insert(name, l);
                }
            }
            // What else acts on the resource this one acted on.
            if let Some((base, param)) = resource_of(path) {
                let source = format!("$request.path.{param}");
                for (p, _, id) in ops
                    .iter()
                    .filter(|(p, _, id)| id != own && acts_on(base, p))
                {
                    if resource_of(p).is_some_and(|(b, q)| b == base && q == param) {
                        let (name, l) = link(id, param, &source);
                        links.insert(name, l);
                    }
                }
            }
            if !links.is_empty() {
                response["links"] = Value::Object(links);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_of_paths() {
        assert_eq!(
            resource_of("/api/v1/tickets/{id}/route"),
            Some(("/api/v1/tickets/{id}", "id"))
        );
        assert_eq!(
            resource_of("/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry"),
            Some((
                "/api/v1/webhooks/{id}/deliveries/{delivery_id}",
                "delivery_id"
            ))
        );
        assert_eq!(resource_of("/api/v1/tickets"), None);
        assert!(acts_on("/t/{id}", "/t/{id}"));
        assert!(acts_on("/t/{id}", "/t/{id}/route"));
        assert!(!acts_on("/t/{id}", "/t/{id}/a/b"));
        assert!(!acts_on("/t/{id}", "/t/{id}x"));
    }

    #[test]
    fn a_creation_links_to_what_acts_on_it_and_an_action_to_its_siblings() {
        let mut doc = json!({
            "components": {"schemas": {"T": {"properties": {"id": {}}}}},
            "paths": {
                "/t": {"post": {"operationId": "file", "responses": {
                    "201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}}}},
                "/t/{id}": {"get": {"operationId": "read", "responses": {"200": {}}}},
                "/t/{id}/route": {"post": {"operationId": "route", "responses": {"200": {}, "409": {}}}}
            }
        });
        add(&mut doc);
        let filed = &doc["paths"]["/t"]["post"]["responses"]["201"]["links"];
        assert_eq!(filed["read"]["parameters"]["id"], "$response.body#/id");
        assert_eq!(filed["route"]["operationId"], "route");
        let routed = &doc["paths"]["/t/{id}/route"]["post"]["responses"];
        assert_eq!(
            routed["200"]["links"]["read"]["parameters"]["id"],
            "$request.path.id"
        );
        assert!(routed["200"]["links"].get("route").is_none());
        assert!(routed["409"].get("links").is_none());
    }
}
