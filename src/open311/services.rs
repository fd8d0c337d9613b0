//! `GET services.{xml,json}` (the categories) and `GET services/{code}.{xml,json}` (a
//! category's extra questions as Open311 attributes).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::{answer, failure, jurisdiction_of, split, Fault, Format, Node, Params};
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
        ("order", Node::text((order + 1).to_string())),
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
    let Some(format) = Format::parse(&format) else {
        return failure(
            Format::Xml,
            Fault::not_found("services are served as .xml or .json"),
        );
    };
    let params = Params::parse(req.query_string().as_bytes());
    let result = state
        .db
        .read(move |c| {
            let jur = jurisdiction_of(c, params.get("jurisdiction_id"))?;
            let rows = category::all(c, &jur.id)?;
            Ok::<_, Fault>(Node::list("service", rows.iter().map(service).collect()))
        })
        .await
        .map(|node| (StatusCode::OK, "services", node));
    answer(format, result)
}

pub async fn service_definition(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
) -> HttpResponse {
    let (code, format) = match split(&file) {
        Ok((code, format)) => (code.to_string(), format),
        Err(fault) => return failure(Format::Xml, fault),
    };
    let params = Params::parse(req.query_string().as_bytes());
    let result = state
        .db
        .read(move |c| {
            let jur = jurisdiction_of(c, params.get("jurisdiction_id"))?;
            let cat = category::find_by_code(c, &jur.id, &code)?
                .ok_or_else(|| Fault::not_found(format!("there is no service '{code}'")))?;
            let attributes = cat
                .question_list()
                .iter()
                .enumerate()
                .map(|(i, q)| attribute(i, q))
                .collect();
            Ok::<_, Fault>(Node::Record(vec![
                ("service_code", Node::text(cat.code)),
                ("attributes", Node::list("attribute", attributes)),
            ]))
        })
        .await
        .map(|node| (StatusCode::OK, "service_definition", node));
    answer(format, result)
}
