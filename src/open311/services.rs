//! `GET services.{xml,json}` (the categories) and `GET services/{code}.{xml,json}` (a
//! category's extra questions as Open311 attributes).

use actix_web::{web, HttpRequest, HttpResponse};

use super::{format_of, read, split, Fault, Node};
use crate::db::models::category::{self, Category};
use crate::domain::questions::Question;
use crate::state::AppState;

fn service(c: &Category) -> Node {
    Node::Record(vec![
        ("service_code", Node::text(c.code.clone())),
        ("service_name", Node::text(c.name.clone())),
        (
            "description",
            Node::text(c.description.clone().unwrap_or_else(|| c.name.clone())),
        ),
        ("metadata", Node::Bool(!c.question_list().is_empty())),
        ("type", Node::text("realtime")),
        ("keywords", Node::text(c.keyword_list().join(", "))),
        ("group", Node::opt(c.group_name.clone())),
    ])
}

fn attribute(order: usize, q: &Question) -> Node {
    Node::Record(vec![
        ("variable", Node::Bool(q.variable)),
        ("code", Node::text(q.code.clone())),
        ("datatype", Node::text(q.datatype.as_str())),
        ("required", Node::Bool(q.required)),
        (
            "datatype_description",
            Node::opt(q.datatype_description.clone()),
        ),
        ("order", Node::Integer(order as i64 + 1)),
        ("description", Node::text(q.description.clone())),
        (
            "values",
            Node::list(
                "value",
                q.values
                    .iter()
                    .map(|v| {
                        Node::Record(vec![
                            ("key", Node::text(v.key.clone())),
                            ("name", Node::text(v.name.clone())),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

pub async fn list_services(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
) -> HttpResponse {
    let format = format_of(&format, "services");
    read(&state, &req, format, "services", |c, jur, _| {
        let rows = category::all(c, &jur.id)?;
        Ok(Node::list("service", rows.iter().map(service).collect()))
    })
    .await
}

pub async fn service_definition(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
) -> HttpResponse {
    let split = split(&file).map(|(code, format)| (code.to_string(), format));
    let code = split.as_ref().map(|(c, _)| c.clone()).unwrap_or_default();
    read(
        &state,
        &req,
        split.map(|(_, f)| f),
        "service_definition",
        move |c, jur, _| {
            let cat = category::find_by_code(c, &jur.id, &code)?
                .ok_or_else(|| Fault::not_found(format!("there is no service '{code}'")))?;
            let attributes = cat
                .question_list()
                .iter()
                .enumerate()
                .map(|(i, q)| attribute(i, q))
                .collect();
            Ok(Node::Record(vec![
                ("service_code", Node::text(cat.code)),
                ("attributes", Node::list("attribute", attributes)),
            ]))
        },
    )
    .await
}
