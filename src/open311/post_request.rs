//! `POST requests.{xml,json}`: an Open311 client files a request with its API key. The body is
//! `application/x-www-form-urlencoded`, or `multipart/form-data` with a `media` file; parameters
//! may also come in the query string. The ticket enters as `new` on channel `open311`, filed by
//! the key's `api_client` user, in one transaction with the request's own data (contact,
//! answers, media). The same reporter sending the same report again gets the same request back.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use super::{answer, failure, jurisdiction_of, Fault, Format, Node, Params};
use crate::api::attachments::intake;
use crate::auth::keys::hash_key;
use crate::auth::AuthUser;
use crate::db::models::attachment::{self, Attachment};
use crate::db::models::open311_request::{self, Open311Request};
use crate::db::models::{api_key, category};
use crate::domain::location::Location;
use crate::domain::open311 as rules;
use crate::domain::policy::Role;
use crate::domain::questions::{check_answers, Given};
use crate::domain::reference::check_http_url;
use crate::domain::source::{self, Channel};
use crate::error::Checks;
use crate::error::{FieldError, ServiceError};
use crate::files::upload::{self, Received};
use crate::service::tickets::{self as tickets, FileTicket, Filed, SourceInput};
use crate::state::AppState;

/// The text parts of a request may hold this much in all.
const FORM_LIMIT: usize = 256 * 1024;

/// A request's fields, checked.
#[derive(Clone)]
struct Submission {
    service_code: String,
    location: Option<Location>,
    address_string: Option<String>,
    address_id: Option<String>,
    description: Option<String>,
    media_url: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    device_id: Option<String>,
    account_id: Option<String>,
    attributes: Given,
}

fn limited(checks: &mut Checks, params: &Params, name: &str, max: usize) -> Option<String> {
    let v = params.get(name)?;
    if v.chars().count() > max {
        checks.fail(name, format!("must have at most {max} characters"));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        checks.fail(name, "must not hold control characters");
    }
    Some(v.to_string())
}

/// Checks every field; all problems at once, as Open311 400 errors.
fn check_fields(params: &Params) -> Result<Submission, Fault> {
    let mut checks = Checks::new();
    let service_code = params.get("service_code").map(str::to_string);
    if service_code.is_none() {
        checks.fail("service_code", "is required (see services.xml)");
    }
    let mut coordinate = |name: &str, range: f64| {
        let raw = params.get(name)?;
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() <= range => Some(v),
            _ => {
                checks.fail(
                    name,
                    format!("must be a number from -{range} to {range}, not '{raw}'"),
                );
                None
            }
        }
    };
    let (lat, long) = (coordinate("lat", 90.0), coordinate("long", 180.0));
    let location = match (lat, long) {
        (Some(lat), Some(long)) => Some(Location { lat, long }),
        _ => None,
    };
    if params.get("lat").is_some() != params.get("long").is_some() {
        checks.fail("lat", "lat and long go together: send both or neither");
    }
    let address_string = limited(&mut checks, params, "address_string", 500);
    let address_id = limited(&mut checks, params, "address_id", 200);
    if params.get("lat").is_none() && address_string.is_none() && address_id.is_none() {
        checks.fail(
            "location",
            "is required: send lat and long, address_string or address_id",
        );
    }
    let description = limited(&mut checks, params, "description", rules::MAX_DESCRIPTION);
    let media_url = limited(&mut checks, params, "media_url", 2000);
    if let Some(url) = &media_url {
        checks.check("media_url", check_http_url(url));
    }
    let email = limited(&mut checks, params, "email", 254);
    if let Some(e) = &email {
        let ok = e.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.contains('@')
        }) && !e.contains(char::is_whitespace);
        if !ok {
            checks.fail("email", "is not an e-mail address");
        }
    }
    let phone = limited(&mut checks, params, "phone", 30);
    if let Some(p) = &phone {
        if !p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            checks.fail("phone", "may hold only digits, spaces and + - ( ) .");
        }
    }
    let submission = Submission {
        service_code: service_code.unwrap_or_default(),
        location,
        address_string,
        address_id,
        description,
        media_url,
        email,
        first_name: limited(&mut checks, params, "first_name", 100),
        last_name: limited(&mut checks, params, "last_name", 100),
        phone,
        device_id: limited(&mut checks, params, "device_id", 200),
        account_id: limited(&mut checks, params, "account_id", 200),
        attributes: params.attributes(),
    };
    checks.finish().map_err(Fault::from)?;
    Ok(submission)
}

/// Reads a form body, refusing more than `limit` bytes.
async fn read_body(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, Fault> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Fault::bad(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(Fault::bad(format!(
                "the request body is larger than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The parameters: the query string and the body (a form, or multipart with `media`).
async fn gather(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<(Params, Option<Received>), Fault> {
    let mut params = Params::parse(req.query_string().as_bytes());
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let form = intake::multipart(req.headers(), payload, state.settings.max_body());
        let mut form = intake::receive(
            form,
            state.blobs.staging_dir(),
            state.settings.max_upload_bytes,
            intake::FileParts::one("media"),
            FORM_LIMIT,
        )
        .await?;
        let file = form.file();
        params.extend(form.fields);
        Ok((params, file))
    } else if content_type.is_empty()
        || content_type.starts_with("application/x-www-form-urlencoded")
    {
        let body = read_body(payload, FORM_LIMIT).await?;
        params.merge(Params::parse(&body));
        Ok((params, None))
    } else {
        Err(Fault::bad(format!(
            "send the request as application/x-www-form-urlencoded or multipart/form-data, \
             not {content_type}"
        )))
    }
}

pub async fn post_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let Some(format) = Format::parse(&format) else {
        return failure(
            Format::Xml,
            Fault::not_found("requests are served as .xml or .json"),
        );
    };
    answer(format, post(&state, &req, payload).await)
}

/// The live API key `params` name, its user, and the jurisdiction it is for; 403 otherwise.
async fn key_of(
    state: &AppState,
    params: &Params,
) -> Result<
    (
        super::Jurisdiction,
        api_key::ApiKey,
        crate::db::models::user::User,
    ),
    Fault,
> {
    let key = params.get("api_key").ok_or_else(|| {
        Fault::forbidden("api_key is required to POST a request; the administrators give keys out")
    })?;
    let hash = hash_key(key);
    let requested = params.get("jurisdiction_id").map(str::to_string);
    let (jur, found) = state
        .db
        .read(move |c| {
            let jur = jurisdiction_of(c, requested.as_deref())?;
            Ok::<_, Fault>((jur, api_key::find_live_by_hash(c, &hash)?))
        })
        .await?;
    let (key, user) =
        found.ok_or_else(|| Fault::forbidden("the api_key is not valid: unknown or revoked"))?;
    if key.jurisdiction_id != jur.id {
        return Err(Fault::forbidden(format!(
            "this api_key is not for jurisdiction_id '{}'",
            jur.code
        )));
    }
    Ok((jur, key, user))
}

async fn post(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<(StatusCode, &'static str, Node), Fault> {
    // A key in the query string is checked before a byte of the body is read: a wrong one
    // costs the server nothing more.
    let query = Params::parse(req.query_string().as_bytes());
    if query.get("api_key").is_some() {
        key_of(state, &query).await?;
    }
    let (params, media) = gather(state, req, payload).await?;
    let (jur, key, user) = key_of(state, &params).await?;
    state.limits.open311_posts.check(&key.id)?;
    let sub = check_fields(&params)?;
    // The whole request is checked before its photo is stored.
    let (jur_id, checked) = (jur.id.clone(), sub.clone());
    state
        .db
        .read(move |c| service_of(c, &jur_id, &checked).map(|_| ()))
        .await?;
    let attachment = match media {
        Some(got) => Some(
            upload::accept(
                state.blobs.clone(),
                got,
                &jur.id,
                &user.id,
                jur.tz(),
                "media",
            )
            .await?,
        ),
        None => None,
    };
    let caller = AuthUser::of(user, Role::ApiClient, jur);
    // The same reporter (by e-mail, phone, account or device) with the same report: one ticket.
    let identity = [&sub.email, &sub.phone, &sub.account_id, &sub.device_id]
        .into_iter()
        .flatten()
        .next()
        .map(|who| format!("{}/{}", key.id, who.to_lowercase()));
    let fingerprint_text = format!(
        "{}\n{}\n{:?}\n{}",
        sub.service_code,
        sub.description.as_deref().unwrap_or_default(),
        sub.location.map(|l| (l.lat, l.long)),
        sub.address_string.as_deref().unwrap_or_default()
    );
    let comment_key = source::comment_key(
        Channel::Open311,
        None,
        identity.as_deref(),
        &fingerprint_text,
    );
    let account_id = sub.account_id.clone();
    let writer = caller.clone();
    let repeat_after = state.settings.repeat_after();
    let (filed, notice) = tickets::once(
        state,
        &caller,
        comment_key.clone(),
        move |c| file(c, &writer, key, sub, attachment, comment_key, repeat_after),
        |c, t| {
            // The same report came twice at the same instant: answer with the first.
            let policy =
                crate::service::clocks::policy(c, &t.jurisdiction_id, t.category_id.as_deref())?;
            Ok(((StatusCode::OK, t.code), rules::service_notice(&policy)))
        },
    )
    .await?;
    if filed.0 == StatusCode::CREATED {
        state.outbox.notify_one();
    }
    let node = Node::list(
        "request",
        vec![Node::Record(vec![
            ("service_request_id", Node::text(filed.1)),
            ("service_notice", Node::opt(notice)),
            ("account_id", Node::opt(account_id)),
        ])],
    );
    Ok((filed.0, "service_requests", node))
}

/// The service (category) a submission names and its answers to the service's questions,
/// checked; 400 for an unknown service or a wrong answer.
fn service_of(
    c: &mut crate::db::DbConnection,
    jurisdiction_id: &str,
    sub: &Submission,
) -> Result<
    (
        category::Category,
        std::collections::BTreeMap<String, crate::domain::questions::Answer>,
    ),
    ServiceError,
> {
    let cat = category::find_by_code(c, jurisdiction_id, &sub.service_code)?.ok_or_else(|| {
        ServiceError::invalid(
            "service_code",
            format!("'{}' is not a service here", sub.service_code),
        )
    })?;
    let answers = check_answers(&cat.question_list(), &sub.attributes).map_err(|errors| {
        ServiceError::Validation(
            errors
                .into_iter()
                .map(|(field, message)| FieldError::new(field, message))
                .collect(),
        )
    })?;
    Ok((cat, answers))
}

/// The write: the key's last use, the category and its questions, the ticket, its Open311 row.
fn file(
    c: &mut crate::db::DbConnection,
    caller: &AuthUser,
    key: crate::db::models::api_key::ApiKey,
    sub: Submission,
    attachment: Option<Attachment>,
    comment_key: Option<String>,
    repeat_after: chrono::Duration,
) -> Result<((StatusCode, String), Option<String>), ServiceError> {
    tickets::require_filer(caller)?;
    let jur = caller.jurisdiction_id.clone();
    let now = crate::db::now();
    api_key::touch(c, &key.id, now)?;
    let (cat, answers) = service_of(c, &jur, &sub)?;
    let reporter = [sub.first_name.as_deref(), sub.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let input = FileTicket {
        source: SourceInput {
            platform: Channel::Open311,
            comment_url: None,
            post_url: None,
            account: None,
            author: (!reporter.is_empty()).then_some(reporter),
            commented_at: None,
            text: sub
                .description
                .clone()
                .unwrap_or_else(|| format!("({})", cat.name)),
        },
        title: None,
        description: None,
        category: Some(cat.code.clone()),
        region: None,
        location: sub.location,
        address: sub.address_string.clone(),
        anonymous: false,
        attachment_ids: vec![],
        confidential: false,
    };
    let mut filing = tickets::check(input)?;
    filing.key = comment_key;
    filing.repeat_after = repeat_after;
    filing.event_data.insert(
        "api_key".to_string(),
        serde_json::json!({"id": key.id, "name": key.name}),
    );
    let request = |ticket_id: &str| Open311Request {
        ticket_id: ticket_id.to_string(),
        jurisdiction_id: jur.clone(),
        api_key_id: key.id.clone(),
        email: sub.email.clone(),
        first_name: sub.first_name.clone(),
        last_name: sub.last_name.clone(),
        phone: sub.phone.clone(),
        device_id: sub.device_id.clone(),
        account_id: sub.account_id.clone(),
        address_id: sub.address_id.clone(),
        media_url: sub.media_url.clone(),
        attachment_id: attachment.as_ref().map(|a| a.id.clone()),
        answers: serde_json::to_string(&answers).unwrap_or_else(|_| "{}".to_string()),
    };
    let filed = tickets::file_in(c, caller, filing, |c, t| {
        if let Some(a) = &attachment {
            attachment::insert(c, a)?;
        }
        open311_request::insert(c, &request(&t.id))?;
        Ok(())
    })?;
    let policy = crate::service::clocks::policy(c, &jur, Some(&cat.id))?;
    let notice = rules::service_notice(&policy);
    let status = match filed {
        Filed::New(_) => StatusCode::CREATED,
        Filed::Existing(_) | Filed::Receipt(_) => StatusCode::OK,
    };
    Ok(((status, filed.code().to_string()), notice))
}
