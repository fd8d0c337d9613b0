//! One document, two renderings: an Open311 answer is built once as a [`Node`] tree and written
//! as JSON or as XML, so both formats always carry the same fields in the same order.

use serde_json::Value;

/// A value of an Open311 document.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text; `None` is JSON `null` and an empty XML element.
    Text(Option<String>),
    /// A number (JSON number; XML text).
    Number(Option<f64>),
    /// A whole number (JSON number; XML text).
    Integer(i64),
    Bool(bool),
    /// A record: its fields in order.
    Record(Vec<(&'static str, Node)>),
    /// A list: a JSON array; in XML, each item an element named `item`.
    List {
        item: &'static str,
        items: Vec<Node>,
    },
}

impl Node {
    pub fn text(s: impl Into<String>) -> Node {
        Node::Text(Some(s.into()))
    }

    pub fn opt(s: Option<impl Into<String>>) -> Node {
        Node::Text(s.map(Into::into))
    }

    pub fn list(item: &'static str, items: Vec<Node>) -> Node {
        Node::List { item, items }
    }
}

/// The JSON form, fields in their order.
pub fn to_json(node: &Node) -> String {
    let mut out = String::new();
    json(&mut out, node);
    out
}

fn json(out: &mut String, node: &Node) {
    match node {
        Node::Text(None) | Node::Number(None) => out.push_str("null"),
        Node::Text(Some(t)) => out.push_str(&Value::String(t.clone()).to_string()),
        Node::Number(Some(n)) => match serde_json::Number::from_f64(*n) {
            Some(n) => out.push_str(&n.to_string()),
            None => out.push_str("null"),
        },
        Node::Integer(n) => out.push_str(&n.to_string()),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Record(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.to_string()).to_string());
                out.push(':');
                json(out, v);
            }
            out.push('}');
        }
        Node::List { items, .. } => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json(out, v);
            }
            out.push(']');
        }
    }
}

/// The XML form: the declaration, then `node` as the element `root`.
pub fn to_xml(root: &str, node: &Node) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    element(&mut out, root, node, 0);
    out
}

fn element(out: &mut String, name: &str, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    match node {
        Node::Text(None) | Node::Number(None) => {
            out.push_str(&format!("{indent}<{name}></{name}>\n"));
        }
        Node::Text(Some(t)) => {
            out.push_str(&format!("{indent}<{name}>{}</{name}>\n", escape(t)));
        }
        Node::Number(Some(n)) => out.push_str(&format!("{indent}<{name}>{n}</{name}>\n")),
        Node::Integer(n) => out.push_str(&format!("{indent}<{name}>{n}</{name}>\n")),
        Node::Bool(b) => out.push_str(&format!("{indent}<{name}>{b}</{name}>\n")),
        Node::Record(fields) => {
            out.push_str(&format!("{indent}<{name}>\n"));
            for (k, v) in fields {
                element(out, k, v, depth + 1);
            }
            out.push_str(&format!("{indent}</{name}>\n"));
        }
        Node::List { item, items } => {
            out.push_str(&format!("{indent}<{name}>\n"));
            for v in items {
                element(out, item, v, depth + 1);
            }
            out.push_str(&format!("{indent}</{name}>\n"));
        }
    }
}

/// A character XML 1.0 may carry at all (escaped or not).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text as XML character data: markup escaped, characters XML cannot carry dropped.
fn escape(text: &str) -> String {
    let clean: String = text.chars().filter(|c| allowed(*c)).collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        Node::list(
            "request",
            vec![Node::Record(vec![
                ("service_request_id", Node::text("SBG-26-000001")),
                (
                    "description",
                    Node::text("Jalan <rusak> & \"berlubang\"\u{1}"),
                ),
                ("media_url", Node::Text(None)),
                ("lat", Node::Number(Some(-6.5))),
                ("order", Node::Integer(2)),
                ("metadata", Node::Bool(true)),
                ("keywords", Node::list("keyword", vec![Node::text("a")])),
            ])],
        )
    }

    #[test]
    fn json_has_the_same_fields_in_order() {
        let json = to_json(&sample());
        let parsed: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed[0]["lat"], -6.5);
        assert_eq!(
            json,
            r#"[{"service_request_id":"SBG-26-000001","description":"Jalan <rusak> & \"berlubang\"\u0001","media_url":null,"lat":-6.5,"order":2,"metadata":true,"keywords":["a"]}]"#
        );
    }

    #[test]
    fn xml_is_declared_escaped_and_clean() {
        let xml = to_xml("service_requests", &sample());
        assert!(xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<service_requests>\n  <request>\n"
        ));
        assert!(xml.contains(
            "<description>Jalan &lt;rusak&gt; &amp; &quot;berlubang&quot;</description>"
        ));
        assert!(xml.contains("<media_url></media_url>"));
        assert!(xml.contains("<lat>-6.5</lat>"));
        assert!(xml.contains("<order>2</order>"));
        assert!(xml.contains("<keywords>\n      <keyword>a</keyword>\n    </keywords>"));
        assert!(!xml.contains('\u{1}'));
    }
}
