//! A category's extra questions (Open311 "service attributes"): what a valid question list is,
//! and whether a set of answers fits it. Pure rules; the Open311 facade and the category API
//! both use them.

use std::collections::BTreeMap;

use chrono::DateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reference::text_enum;

text_enum!(
    /// The kind of answer a question takes (Open311's `datatype`).
    Datatype {
        /// One line of text.
        String => "string",
        /// A number.
        Number => "number",
        /// A W3C date and time with offset.
        Datetime => "datetime",
        /// Free text, several lines.
        Text => "text",
        /// One of `values`.
        Singlevaluelist => "singlevaluelist",
        /// One or more of `values`.
        Multivaluelist => "multivaluelist",
    }
);

/// One choice of a list question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    #[schema(example = "berat")]
    pub key: String,
    #[schema(example = "Berat: tidak bisa dilalui kendaraan")]
    pub name: String,
}

/// A question asked of whoever files a ticket in a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable code; Open311 clients send the answer as `attribute[<code>]`.
    #[schema(example = "tingkat-kerusakan")]
    pub code: String,
    /// The question, as the reporter reads it.
    #[schema(example = "Seberapa parah kerusakannya?")]
    pub description: String,
    pub datatype: Datatype,
    #[serde(default)]
    pub required: bool,
    /// A hint on the expected answer ("in centimetres").
    #[serde(default)]
    pub datatype_description: Option<String>,
    /// False for a line of information that takes no answer.
    #[serde(default = "yes")]
    pub variable: bool,
    /// The choices of a list question (none for other datatypes).
    #[serde(default)]
    pub values: Vec<Choice>,
}

fn yes() -> bool {
    true
}

/// An answer: one value, or several for a multi-value list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

pub const MAX_QUESTIONS: usize = 50;
/// Answers to codes a category does not ask (clients such as FixMyStreet send their own extras)
/// are kept as given, up to this many.
pub const MAX_EXTRA_ANSWERS: usize = 50;
const MAX_ANSWER: usize = 4000;
const MAX_LINE: usize = 500;

fn check_question_code(code: &str) -> Result<(), String> {
    if code.is_empty() || code.len() > 64 {
        return Err("must have 1 to 64 characters".into());
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err("may hold only letters, digits, '-', '_' and '.'".into());
    }
    Ok(())
}

fn check_text(text: &str, max: usize) -> Result<(), String> {
    let n = text.trim().chars().count();
    if n == 0 {
        return Err("must not be blank".into());
    }
    if n > max {
        return Err(format!("must have at most {max} characters"));
    }
    Ok(())
}

/// Every problem of a question list, as (field path, message); empty when it is valid.
pub fn check_questions(questions: &[Question]) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    if questions.len() > MAX_QUESTIONS {
        errors.push((
            "questions".to_string(),
            format!("at most {MAX_QUESTIONS} questions"),
        ));
    }
    let mut codes: Vec<&str> = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        let at = |field: &str| format!("questions[{i}].{field}");
        if let Err(e) = check_question_code(&q.code) {
            errors.push((at("code"), e));
        } else if codes.contains(&q.code.as_str()) {
            errors.push((at("code"), format!("'{}' is used twice", q.code)));
        }
        codes.push(&q.code);
        if let Err(e) = check_text(&q.description, MAX_LINE) {
            errors.push((at("description"), e));
        }
        if let Some(d) = &q.datatype_description {
            if d.chars().count() > MAX_LINE {
                errors.push((
                    at("datatype_description"),
                    format!("must have at most {MAX_LINE} characters"),
                ));
            }
        }
        if !q.variable && q.required {
            errors.push((
                at("required"),
                "a question that takes no answer (variable: false) cannot be required".into(),
            ));
        }
        let list = matches!(
            q.datatype,
            Datatype::Singlevaluelist | Datatype::Multivaluelist
        );
        if list && q.values.is_empty() {
            errors.push((
                at("values"),
                "a list question needs at least one value".into(),
            ));
        }
        if !list && !q.values.is_empty() {
            errors.push((
                at("values"),
                format!("a {} question takes no values", q.datatype.as_str()),
            ));
        }
        let mut keys: Vec<&str> = Vec::new();
        for (j, v) in q.values.iter().enumerate() {
            if let Err(e) = check_text(&v.key, 100) {
                errors.push((format!("questions[{i}].values[{j}].key"), e));
            } else if keys.contains(&v.key.trim()) {
                errors.push((
                    format!("questions[{i}].values[{j}].key"),
                    format!("'{}' is used twice", v.key),
                ));
            }
            keys.push(v.key.trim());
            if let Err(e) = check_text(&v.name, 200) {
                errors.push((format!("questions[{i}].values[{j}].name"), e));
            }
        }
    }
    errors
}

/// The answers as given: every value sent for each `attribute[code]`, in order.
pub type Given = BTreeMap<String, Vec<String>>;

/// Checks the given answers against the questions. Gives the answers to keep (codes the
/// category asks, normalised, and any others as given) or every problem as (`attribute[code]`,
/// message).
pub fn check_answers(
    questions: &[Question],
    given: &Given,
) -> Result<BTreeMap<String, Answer>, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let mut out = BTreeMap::new();
    for q in questions.iter().filter(|q| q.variable) {
        let values: Vec<&str> = given
            .get(&q.code)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let name = format!("attribute[{}]", q.code);
        if values.is_empty() {
            if q.required {
                errors.push((name, format!("is required: {}", q.description.trim())));
            }
            continue;
        }
        if q.datatype != Datatype::Multivaluelist && values.len() > 1 {
            errors.push((name, "takes one value".to_string()));
            continue;
        }
        let one = values[0];
        let answer = match q.datatype {
            Datatype::String | Datatype::Text => {
                let max = if q.datatype == Datatype::String {
                    MAX_LINE
                } else {
                    MAX_ANSWER
                };
                if one.chars().count() > max {
                    errors.push((name, format!("must have at most {max} characters")));
                    continue;
                }
                Answer::One(one.to_string())
            }
            Datatype::Number => match one.parse::<f64>() {
                Ok(n) if n.is_finite() => Answer::One(one.to_string()),
                _ => {
                    errors.push((name, format!("must be a number, not '{one}'")));
                    continue;
                }
            },
            Datatype::Datetime => match DateTime::parse_from_rfc3339(one) {
                Ok(t) => Answer::One(t.to_rfc3339()),
                Err(_) => {
                    errors.push((
                        name,
                        format!(
                            "must be a W3C date and time with offset (2026-01-31T08:00:00+07:00), not '{one}'"
                        ),
                    ));
                    continue;
                }
            },
            Datatype::Singlevaluelist | Datatype::Multivaluelist => {
                let unknown: Vec<&str> = values
                    .iter()
                    .copied()
                    .filter(|v| !q.values.iter().any(|c| c.key.trim() == *v))
                    .collect();
                if !unknown.is_empty() {
                    let keys: Vec<&str> = q.values.iter().map(|c| c.key.trim()).collect();
                    errors.push((
                        name,
                        format!(
                            "'{}' is not one of {}",
                            unknown.join("', '"),
                            keys.join(", ")
                        ),
                    ));
                    continue;
                }
                if q.datatype == Datatype::Singlevaluelist {
                    Answer::One(one.to_string())
                } else {
                    let mut many: Vec<String> = Vec::new();
                    for v in values {
                        if !many.iter().any(|m| m == v) {
                            many.push(v.to_string());
                        }
                    }
                    Answer::Many(many)
                }
            }
        };
        out.insert(q.code.clone(), answer);
    }
    let extras: Vec<(&String, &Vec<String>)> = given
        .iter()
        .filter(|(code, _)| !questions.iter().any(|q| &q.code == *code))
        .collect();
    if extras.len() > MAX_EXTRA_ANSWERS {
        errors.push((
            "attribute".to_string(),
            format!("at most {MAX_EXTRA_ANSWERS} attributes the service does not ask for"),
        ));
    }
    for (code, values) in extras.into_iter().take(MAX_EXTRA_ANSWERS) {
        let values: Vec<String> = values
            .iter()
            .map(|v| v.trim().chars().take(MAX_ANSWER).collect::<String>())
            .filter(|v| !v.is_empty())
            .collect();
        if code.chars().count() > 100 {
            errors.push((
                "attribute".to_string(),
                "attribute codes have at most 100 characters".to_string(),
            ));
            continue;
        }
        match values.len() {
            0 => {}
            1 => {
                out.insert(code.clone(), Answer::One(values[0].clone()));
            }
            _ => {
                out.insert(code.clone(), Answer::Many(values));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The questions stored as JSON (an empty list when the text is not one).
pub fn parse_stored(json: &str) -> Vec<Question> {
    serde_json::from_str(json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(code: &str, datatype: Datatype, required: bool, values: &[&str]) -> Question {
        Question {
            code: code.into(),
            description: format!("question {code}"),
            datatype,
            required,
            datatype_description: None,
            variable: true,
            values: values
                .iter()
                .map(|k| Choice {
                    key: k.to_string(),
                    name: k.to_uppercase(),
                })
                .collect(),
        }
    }

    fn given(pairs: &[(&str, &str)]) -> Given {
        let mut g = Given::new();
        for (k, v) in pairs {
            g.entry(k.to_string()).or_default().push(v.to_string());
        }
        g
    }

    #[test]
    fn question_lists_are_checked_field_by_field() {
        assert!(check_questions(&[
            q("depth", Datatype::Number, true, &[]),
            q("level", Datatype::Singlevaluelist, false, &["a", "b"]),
        ])
        .is_empty());
        let mut info = q("info", Datatype::Text, true, &[]);
        info.variable = false;
        let errors = check_questions(&[
            q("depth", Datatype::Number, false, &["x"]),
            q("depth", Datatype::Multivaluelist, false, &[]),
            q("bad code", Datatype::String, false, &[]),
            q("dup", Datatype::Singlevaluelist, false, &["a", "a"]),
            info,
        ]);
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "questions[0].values",
                "questions[1].code",
                "questions[1].values",
                "questions[2].code",
                "questions[3].values[1].key",
                "questions[4].required",
            ]
        );
    }

    #[test]
    fn answers_are_checked_against_their_datatype() {
        let qs = [
            q("depth", Datatype::Number, true, &[]),
            q(
                "level",
                Datatype::Singlevaluelist,
                false,
                &["ringan", "berat"],
            ),
            q("kinds", Datatype::Multivaluelist, false, &["a", "b", "c"]),
            q("seen", Datatype::Datetime, false, &[]),
        ];
        let ok = check_answers(
            &qs,
            &given(&[
                ("depth", " 30 "),
                ("level", "berat"),
                ("kinds", "a"),
                ("kinds", "c"),
                ("kinds", "a"),
                ("seen", "2026-01-31T08:00:00+07:00"),
                ("fixmystreet_id", "123"),
            ]),
        )
        .unwrap();
        assert_eq!(ok["depth"], Answer::One("30".into()));
        assert_eq!(ok["level"], Answer::One("berat".into()));
        assert_eq!(ok["kinds"], Answer::Many(vec!["a".into(), "c".into()]));
        assert_eq!(ok["seen"], Answer::One("2026-01-31T08:00:00+07:00".into()));
        assert_eq!(ok["fixmystreet_id"], Answer::One("123".into()));

        let errors = check_answers(
            &qs,
            &given(&[
                ("depth", "dalam"),
                ("level", "sedang"),
                ("level", "berat"),
                ("kinds", "z"),
                ("seen", "kemarin"),
            ]),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "attribute[depth]",
                "attribute[level]",
                "attribute[kinds]",
                "attribute[seen]"
            ]
        );
        assert!(errors[0].1.starts_with("must be a number"));
        assert_eq!(errors[1].1, "takes one value");
        assert_eq!(errors[2].1, "'z' is not one of a, b, c");
        assert!(errors[3].1.starts_with("must be a W3C date"));
    }

    #[test]
    fn a_required_question_needs_a_non_blank_answer() {
        let qs = [q("depth", Datatype::Number, true, &[])];
        let errors = check_answers(&qs, &given(&[("depth", "  ")])).unwrap_err();
        assert_eq!(
            errors,
            [(
                "attribute[depth]".to_string(),
                "is required: question depth".to_string()
            )]
        );
        assert!(check_answers(&qs, &Given::new()).is_err());
        assert!(
            check_answers(&[q("depth", Datatype::Number, false, &[])], &Given::new())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn questions_round_trip_through_json_with_defaults() {
        let parsed = parse_stored(
            r#"[{"code":"x","description":"Apa?","datatype":"singlevaluelist","values":[{"key":"1","name":"Satu"}]}]"#,
        );
        assert_eq!(parsed.len(), 1);
        assert!(parsed[0].variable && !parsed[0].required);
        assert_eq!(parse_stored("not json"), Vec::<Question>::new());
        let back = serde_json::to_string(&parsed).unwrap();
        assert_eq!(parse_stored(&back), parsed);
    }
}
