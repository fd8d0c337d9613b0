//! `/app/tugas`: a PIC's duties of the day — the patrol slots, each with a check-in form open in
//! its window; what the agency's PICs did today; and recording a repost or an own post.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;

use super::format;
use super::frame::{Frame, Section};
use super::render::{page_with, refused, see_other, PageError};
use super::session::{Signed, ROOT};
use crate::db::models::account::{self, AccountFilter};
use crate::db::models::activity::{self, ActivityFilter};
use crate::db::models::patrol::{self, PatrolFilter};
use crate::db::models::user;
use crate::domain::duty::{slot_day, ActivityKind};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::AccountId;
use crate::service::duties::{self, CreateActivity, CreatePatrol};
use crate::state::AppState;

pub struct SlotView {
    pub name: String,
    pub window: String,
    pub open: bool,
    /// "Sudah check-in 13.05" when the user did.
    pub done: Option<String>,
}

pub struct AccountChoice {
    pub id: String,
    pub label: String,
    pub usual: bool,
}

pub struct Done {
    /// When, for the order (newest first).
    pub when: NaiveDateTime,
    pub at: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "tugas.html")]
struct DutiesPage {
    frame: Frame,
    today: String,
    slots: Vec<SlotView>,
    accounts: Vec<AccountChoice>,
    done: Vec<Done>,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Shown {
    selesai: Option<String>,
}

/// `GET /app/tugas`.
pub async fn show(
    state: web::Data<AppState>,
    s: Signed,
    q: web::Query<Shown>,
) -> Result<HttpResponse, PageError> {
    let notice = match q.selesai.as_deref() {
        Some("patroli") => Some("Check-in patroli tercatat."),
        Some("unggahan") => Some("Unggahan tercatat."),
        _ => None,
    };
    render(&state, &s, StatusCode::OK, notice, None).await
}

async fn render(
    state: &AppState,
    s: &Signed,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::RecordDuties)?;
    let tz = s.user.timezone();
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let (user, agency) = (s.user.clone(), s.user.agency_id.clone());
    let (slots, accounts, patrols, posts, names) = state
        .db
        .read(move |c| {
            let jur = &user.jurisdiction_id;
            let slots = duties::slots_of(c, jur)?;
            let accounts = account::list(c, jur, &AccountFilter::default(), None, 500)?.items;
            let day = PatrolFilter {
                from: Some(today),
                to: Some(today),
                agency_id: agency.clone(),
                ..Default::default()
            };
            let patrols = patrol::list(c, jur, &day, None, 200)?.items;
            let midnight = tz
                .from_local_datetime(&today.and_hms_opt(0, 0, 0).unwrap_or_default())
                .earliest()
                .map(|t| t.naive_utc());
            let posts = ActivityFilter {
                agency_id: agency,
                posted_from: midnight,
                ..Default::default()
            };
            let posts = activity::list(c, jur, &posts, None, 200)?.items;
            let people: Vec<String> = patrols
                .iter()
                .map(|p| p.pic_id.clone())
                .chain(posts.iter().map(|a| a.recorded_by.clone()))
                .collect();
            let names = user::names_of(c, jur, &people)?;
            Ok::<_, ServiceError>((slots, accounts, patrols, posts, names))
        })
        .await?;
    // Who did it: "Anda" for the user, else the PIC's name.
    let who = |id: &str| {
        if id == s.user.id {
            "Anda".to_string()
        } else {
            names.get(id).cloned().unwrap_or_else(|| "PIC lain".into())
        }
    };
    let time = |at: NaiveDateTime| format::date_time(at.and_utc(), tz);
    let slots = slots
        .iter()
        .map(|slot| SlotView {
            name: slot.name.clone(),
            window: format!(
                "{} ± {} menit",
                slot.at.replace(':', "."),
                slot.window_minutes
            ),
            open: slot_day(slot, now, now, tz) == Ok(today),
            done: patrols
                .iter()
                .find(|p| p.slot == slot.name && p.pic_id == s.user.id)
                .map(|p| format!("Sudah check-in: {}", time(p.started_at))),
        })
        .collect();
    let own = s.user.agency_id.as_deref();
    let accounts = accounts
        .into_iter()
        .map(|a| AccountChoice {
            usual: a.leadership || a.agency_id.as_deref() == own,
            label: format!("{} @{}", a.platform, a.handle),
            id: a.id,
        })
        .collect();
    let mut done: Vec<Done> = patrols
        .iter()
        .map(|p| Done {
            when: p.started_at,
            at: time(p.started_at),
            text: format!("Patroli {} oleh {}", p.slot, who(&p.pic_id)),
        })
        .chain(posts.iter().map(|a| Done {
            when: a.posted_at,
            at: time(a.posted_at),
            text: format!(
                "{} {} oleh {}",
                if a.kind == ActivityKind::Repost.as_str() {
                    "Unggah ulang"
                } else {
                    "Konten sendiri"
                },
                a.url,
                who(&a.recorded_by)
            ),
        }))
        .collect();
    done.sort_by_key(|d| std::cmp::Reverse(d.when));
    page_with(
        status,
        &DutiesPage {
            frame: Frame::of(s, Section::Duties),
            today: format::date_time(now, tz),
            slots,
            accounts,
            done,
            notice,
            error,
        },
    )
}

#[derive(Deserialize)]
pub struct PatrolForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    komentar: String,
    #[serde(default)]
    catatan: String,
    /// The accounts ticked (a repeated field).
    #[serde(default)]
    akun: Vec<String>,
}

/// `POST /app/tugas/patroli`: checks in for a slot now.
pub async fn check_in(
    state: web::Data<AppState>,
    s: Signed,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form: PatrolForm = serde_html_form::from_bytes(&body)
        .map_err(|e| ServiceError::bad_request("malformed_form", e.to_string()))?;
    s.check(&form.csrf)?;
    let accounts: Vec<uuid::Uuid> = form
        .akun
        .iter()
        .filter_map(|v| uuid::Uuid::parse_str(v).ok())
        .collect();
    let comments = match form.komentar.trim() {
        "" => None,
        n => Some(
            n.parse()
                .map_err(|_| ServiceError::invalid("comments_reviewed", "not a number")),
        ),
    }
    .transpose();
    let input = comments.map(|comments_reviewed| CreatePatrol {
        slot: form.slot.clone(),
        started_at: None,
        accounts_checked: accounts,
        comments_reviewed,
        notes: Some(form.catatan.clone()).filter(|n| !n.trim().is_empty()),
    });
    let done = match input {
        Ok(input) => duties::check_in(&state, s.user.clone(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(&format!("{ROOT}/tugas?selesai=patroli"))),
        Err(e) => {
            let (status, error) = refused(e)?;
            render(&state, &s, status, None, Some(error)).await
        }
    }
}

#[derive(Deserialize)]
pub struct PostForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    jenis: String,
    #[serde(default)]
    tautan: String,
    #[serde(default)]
    akun: String,
    #[serde(default)]
    asli: String,
    #[serde(default)]
    judul: String,
}

/// `POST /app/tugas/unggahan`: records a repost or an own post, posted now.
pub async fn record_post(
    state: web::Data<AppState>,
    s: Signed,
    form: web::Form<PostForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    let f = form.into_inner();
    let input = (|| {
        let kind = ActivityKind::parse(&f.jenis)
            .ok_or_else(|| ServiceError::invalid("kind", "choose one"))?;
        let account = uuid::Uuid::parse_str(f.akun.trim())
            .map_err(|_| ServiceError::invalid("account_id", "choose one"))?;
        Ok::<_, ServiceError>(CreateActivity {
            kind,
            url: f.tautan.trim().to_string(),
            account_id: AccountId(account),
            original_url: Some(f.asli.trim().to_string()).filter(|u| !u.is_empty()),
            posted_at: Utc::now().fixed_offset(),
            title: Some(f.judul.trim().to_string()).filter(|t| !t.is_empty()),
        })
    })();
    let done = match input {
        Ok(input) => duties::record_activity(&state, s.user.clone(), input).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(see_other(&format!("{ROOT}/tugas?selesai=unggahan"))),
        Err(e) => {
            let (status, error) = refused(e)?;
            render(&state, &s, status, None, Some(error)).await
        }
    }
}
