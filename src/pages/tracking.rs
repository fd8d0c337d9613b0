//! `/lacak` and `/lacak/{code}`: a complaint's public status for anyone, without signing in —
//! exactly what the API's public status shows (`service::public`: personal data masked, an
//! anonymous complainant's words left out, confidential complaints not found), as a page to
//! share: no cookies (they belong to `/app`), cacheable for a minute, limited per client
//! address, with Open Graph tags so that a shared link shows what it is.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::render::{public_page, see_other, PageError};
use super::{format, labels};
use crate::api::extract::ClientAddr;
use crate::domain::lifecycle::Status;
use crate::error::ServiceError;
use crate::service::public::{self, PublicTicketView};
use crate::state::AppState;

pub struct Step {
    pub at: String,
    pub status: &'static str,
}

/// The public status in words.
pub struct Shown {
    pub code: String,
    pub status: &'static str,
    pub title: Option<String>,
    pub category: Option<String>,
    pub agency: Option<String>,
    pub text: Option<String>,
    pub filed: String,
    pub updated: String,
    pub reply_url: Option<String>,
    pub steps: Vec<Step>,
    pub jurisdiction: String,
    /// One line for a link's preview.
    pub summary: String,
    /// The proof card, once the complaint is fixed.
    pub proof: Option<String>,
}

#[derive(Template)]
#[template(path = "lacak.html")]
struct TrackingPage {
    t: Option<Shown>,
    /// The code in the search field.
    code: String,
    error: Option<String>,
    og_url: Option<String>,
}

fn shown(v: PublicTicketView) -> Shown {
    let tz = v.time_zone;
    let fixed = matches!(v.status, Status::Resolved | Status::Closed);
    let proof = fixed.then(|| format!("/lacak/{}/bukti.png", v.code));
    let summary = match (&v.title, &v.category) {
        (Some(t), _) => t.clone(),
        (None, Some(c)) => format!("Aduan warga tentang {c}"),
        (None, None) => "Aduan warga".to_string(),
    };
    Shown {
        status: labels::status(v.status),
        filed: format::date_time(v.created_at, tz),
        updated: format::date_time(v.updated_at, tz),
        steps: v
            .milestones
            .iter()
            .map(|m| Step {
                at: format::date_time(m.at, tz),
                status: labels::status(m.status),
            })
            .collect(),
        code: v.code,
        title: v.title,
        category: v.category,
        agency: v.agency,
        text: v.text,
        reply_url: v.reply_url,
        proof,
        jurisdiction: v.jurisdiction,
        summary,
    }
}

#[derive(Deserialize)]
pub struct Find {
    #[serde(default)]
    kode: String,
}

/// `GET /lacak?kode=…`: the search form, or on to the complaint's page.
pub async fn find(q: web::Query<Find>) -> Result<HttpResponse, PageError> {
    let code = q.kode.trim().to_ascii_uppercase();
    if code.is_empty() {
        let page = TrackingPage {
            t: None,
            code,
            error: None,
            og_url: None,
        };
        return public_page(StatusCode::OK, &page);
    }
    let path: String = url::form_urlencoded::byte_serialize(code.as_bytes()).collect();
    Ok(see_other(&format!("/lacak/{path}")))
}

/// `GET /lacak/{code}`.
pub async fn show(
    state: web::Data<AppState>,
    from: ClientAddr,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    from.check(&state.limits.public_reads)?;
    let code = code.into_inner();
    let wanted = code.clone();
    match state
        .db
        .read_lagging(move |c| public::status(c, &wanted))
        .await
    {
        Ok(v) => {
            let og_url = state
                .settings
                .public_url
                .as_ref()
                .map(|base| format!("{base}/lacak/{}", v.code));
            let page = TrackingPage {
                code: v.code.clone(),
                t: Some(shown(v)),
                error: None,
                og_url,
            };
            public_page(StatusCode::OK, &page)
        }
        Err(ServiceError::NotFound(_)) => {
            let page = TrackingPage {
                t: None,
                code,
                error: Some(
                    "Kode lacak itu tidak ditemukan. Periksa lagi penulisannya \
                     (mis. SBG-26-000123)."
                        .into(),
                ),
                og_url: None,
            };
            public_page(StatusCode::NOT_FOUND, &page)
        }
        Err(e) => Err(e.into()),
    }
}
