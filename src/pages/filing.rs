//! `/app/aduan/baru`: filing a complaint from a comment. The PIC pastes the comment's link; the
//! page names the platform and says at once when that comment is already filed (`/app/aduan/cek`,
//! asked by the page's script; filing itself says so too, without script). One comment is one
//! complaint, so a double tap on "Kirim" files it once.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::form::{self, Sent};
use super::frame::{Frame, Section};
use super::labels;
use super::render::{page_with, refused, see_other, PageError};
use super::session::{Signed, ROOT};
use crate::db::models::region::RegionFilter;
use crate::db::models::{agency, category, region};
use crate::domain::source::{self, Channel};
use crate::error::ServiceError;
use crate::service::tickets::{self as tickets, FileTicket, Filed, SourceInput};
use crate::state::AppState;

/// The form's fields, as sent (and shown again after a refusal).
#[derive(Debug, Default, Deserialize)]
pub struct FilingForm {
    #[serde(default)]
    tautan: String,
    #[serde(default)]
    isi: String,
    #[serde(default)]
    pengirim: String,
    #[serde(default)]
    akun: String,
    #[serde(default)]
    sumber: String,
    #[serde(default)]
    judul: String,
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    wilayah: String,
    #[serde(default)]
    alamat: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    long: String,
    anonim: Option<String>,
    rahasia: Option<String>,
    /// Files this form already brought (shown again after a refusal): their ids.
    #[serde(default)]
    berkas: Vec<String>,
}

pub struct Choice {
    pub value: String,
    pub name: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "baru.html")]
struct FilingPage {
    frame: Frame,
    f: FilingForm,
    sources: Vec<Choice>,
    categories: Vec<Choice>,
    regions: Vec<Choice>,
    error: Option<String>,
    known: Option<(String, &'static str)>,
    /// The most bytes of photos one form may send.
    max_bytes: u64,
}

/// Channels a PIC picks when there is no link to recognise.
const OTHER_SOURCES: [(Channel, &str); 4] = [
    (Channel::Whatsapp, "WhatsApp"),
    (Channel::WalkIn, "Datang langsung"),
    (Channel::Web, "Situs web"),
    (Channel::Other, "Lainnya"),
];

async fn form_page(
    state: &AppState,
    s: &Signed,
    status: StatusCode,
    f: FilingForm,
    error: Option<String>,
    known: Option<(String, &'static str)>,
) -> Result<HttpResponse, PageError> {
    let jur = s.user.jurisdiction_id.clone();
    let (cats, agencies, regions) = state
        .db
        .read(move |c| {
            let everywhere = RegionFilter::default();
            Ok::<_, ServiceError>((
                category::all(c, &jur)?,
                agency::all(c, &jur)?,
                region::list(c, &jur, &everywhere, None, 2000)?.items,
            ))
        })
        .await?;
    let agency_name = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| agencies.iter().find(|a| &a.id == id))
            .map(|a| format!(" → {}", a.name))
            .unwrap_or_default()
    };
    let categories = cats
        .iter()
        .map(|c| Choice {
            chosen: c.code == f.kategori,
            value: c.code.clone(),
            name: format!("{}{}", c.name, agency_name(&c.default_agency_id)),
        })
        .collect();
    let regions = kecamatan_then_desa(regions, &f.wilayah);
    let sources = std::iter::once(("".to_string(), "Dari tautan (otomatis)".to_string()))
        .chain(
            OTHER_SOURCES
                .iter()
                .map(|(c, n)| (c.as_str().to_string(), n.to_string())),
        )
        .map(|(value, name)| Choice {
            chosen: value == f.sumber,
            value,
            name,
        })
        .collect();
    page_with(
        status,
        &FilingPage {
            frame: Frame::of(s, Section::File),
            f,
            sources,
            categories,
            regions,
            error,
            known,
            max_bytes: state.settings.max_upload_bytes,
        },
    )
}

/// Each kecamatan followed by its desa (indented), in name order.
fn kecamatan_then_desa(all: Vec<region::Region>, chosen: &str) -> Vec<Choice> {
    let mut kecamatan: Vec<&region::Region> =
        all.iter().filter(|r| r.parent_id.is_none()).collect();
    kecamatan.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = vec![];
    for k in kecamatan {
        out.push(Choice {
            chosen: k.code == chosen,
            value: k.code.clone(),
            name: format!("Kec. {}", k.name),
        });
        let mut desa: Vec<&region::Region> = all
            .iter()
            .filter(|r| r.parent_id.as_deref() == Some(&k.id))
            .collect();
        desa.sort_by(|a, b| a.name.cmp(&b.name));
        out.extend(desa.into_iter().map(|d| Choice {
            chosen: d.code == chosen,
            value: d.code.clone(),
            name: format!("\u{a0}\u{a0}\u{a0}{}", d.name),
        }));
    }
    out
}

/// `GET /app/aduan/baru`.
pub async fn show(state: web::Data<AppState>, s: Signed) -> Result<HttpResponse, PageError> {
    tickets::require_filer(&s.user)?;
    form_page(
        &state,
        &s,
        StatusCode::OK,
        FilingForm::default(),
        None,
        None,
    )
    .await
}

fn given(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The form as the service's input; the channel is the link's platform unless one is picked.
fn input_of(f: &FilingForm) -> Result<FileTicket, ServiceError> {
    let picked = given(&f.sumber).and_then(|s| Channel::parse(&s));
    let platform = match (picked, given(&f.tautan)) {
        (Some(c), _) => c,
        (None, Some(link)) => source::recognise(&link).map(|(c, _)| c).ok_or_else(|| {
            ServiceError::invalid("source.comment_url", "not an address of a known platform")
        })?,
        (None, None) => {
            return Err(ServiceError::invalid(
                "source.comment_url",
                "must not be blank",
            ))
        }
    };
    Ok(FileTicket {
        source: SourceInput {
            platform,
            comment_url: given(&f.tautan),
            post_url: None,
            account: given(&f.akun),
            author: given(&f.pengirim),
            commented_at: None,
            text: f.isi.clone(),
        },
        title: given(&f.judul),
        description: None,
        category: given(&f.kategori),
        region: given(&f.wilayah),
        location: form::location(&f.lat, &f.long)?,
        address: given(&f.alamat),
        anonymous: f.anonim.is_some(),
        confidential: f.rahasia.is_some(),
        attachment_ids: form::file_ids(&f.berkas)?,
    })
}

/// `POST /app/aduan/baru`: files it and opens the complaint (its tracking code on top); the
/// same comment again opens the one filed before.
pub async fn submit(
    state: web::Data<AppState>,
    s: Signed,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let Sent {
        form: mut f,
        photos,
    } = form::read::<FilingForm>(&state, &s, &req, payload).await?;
    let filed = match photos {
        Ok(photos) => {
            f.berkas.extend(photos.into_iter().map(|p| p.id));
            match input_of(&f) {
                Ok(input) => tickets::file(&state, &s.user, input).await,
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match filed {
        Ok(Filed::New(d)) => Ok(see_other(&format!("{ROOT}/aduan/{}?baru=1", d.ticket.code))),
        Ok(Filed::Existing(d)) => Ok(see_other(&format!(
            "{ROOT}/aduan/{}?sudah=1",
            d.ticket.code
        ))),
        Ok(Filed::Receipt(r)) => {
            let known = Some((r.code, labels::status(r.status)));
            form_page(&state, &s, StatusCode::OK, f, None, known).await
        }
        Err(e) => {
            let (status, error) = refused(e)?;
            form_page(&state, &s, status, f, Some(error), None).await
        }
    }
}

#[derive(Deserialize)]
pub struct Check {
    #[serde(default)]
    tautan: String,
}

/// What the page's script shows under the link field.
#[derive(Serialize)]
pub struct Checked {
    /// The platform's name, when the link is one of a known platform.
    platform: Option<String>,
    /// The complaint already filed for this comment.
    code: Option<String>,
    status: Option<&'static str>,
    /// Whether the user may open it.
    visible: bool,
}

/// `GET /app/aduan/cek?tautan=…` (JSON, for the filing page's script).
pub async fn check(
    state: web::Data<AppState>,
    s: Signed,
    q: web::Query<Check>,
) -> Result<HttpResponse, PageError> {
    let link = q.into_inner().tautan;
    let platform = source::recognise(&link).map(|(c, _)| labels::channel(c).to_string());
    let user = s.user.clone();
    let known = state
        .db
        .read(move |c| tickets::already_filed(c, &user, &link))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(Checked {
            platform,
            visible: known.as_ref().is_some_and(|k| k.visible),
            status: known.as_ref().map(|k| labels::status(k.status)),
            code: known.map(|k| k.code),
        }))
}
