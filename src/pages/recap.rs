//! `/app/rekap`: the regent's bi-weekly recap for leaders, coordinators and admins — the
//! fortnight's figures as they stand now, on the two boards the prizes are given on (perangkat
//! daerah and kecamatan, their agencies and their PICs ranked among themselves), with each
//! score's components in words; freezing it; and the frozen recaps, which read the same
//! forever (`/app/rekap/{id}`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::format;
use super::frame::{Frame, Section};
use super::render::{page_with, refused, see_other, PageError};
use super::session::{Signed, ROOT};
use crate::db::models::recap as snapshots;
use crate::domain::policy::Permission;
use crate::domain::recap::Board;
use crate::error::ServiceError;
use crate::service::recap::{self, Leaderboard, Placed, Recap, RecapLine};
use crate::state::AppState;

/// A line of a board, in words.
pub struct Row {
    pub rank: u32,
    pub name: String,
    pub agency: Option<String>,
    pub score: String,
    /// "Balasan tepat waktu 80% · Penyelesaian 60% · …"
    pub parts: String,
    /// "Diterima 12 · Diselesaikan 9 · …"
    pub figures: String,
}

pub struct BoardView {
    pub title: &'static str,
    pub agencies: Vec<Row>,
    pub pics: Vec<Row>,
}

pub struct Frozen {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "rekap.html")]
struct RecapPage {
    frame: Frame,
    heading: String,
    period: String,
    /// The preview's period (for the freeze form and the links around it); none for a
    /// frozen recap.
    live: Option<Live>,
    frozen_at: Option<String>,
    boards: Vec<BoardView>,
    frozen: Vec<Frozen>,
    may_freeze: bool,
    notice: Option<&'static str>,
    error: Option<String>,
}

pub struct Live {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub earlier: String,
    pub later: String,
}

fn percent(v: Option<f64>) -> String {
    v.map_or("–".to_string(), |v| format!("{:.0}%", v * 100.0))
}

fn row(p: &Placed, pic: bool) -> Row {
    let l: &RecapLine = &p.line;
    let parts = format!(
        "Balasan tepat waktu {} · Penyelesaian {} · Tenggat terpenuhi {} · Patroli {} · Unggahan {}",
        percent(l.response),
        percent(l.completion),
        percent(l.clocks),
        percent(l.patrols),
        percent(l.activity)
    );
    let figures = if pic {
        format!(
            "Dicatat {} · Patroli {}/{} · Unggah ulang {} · Konten sendiri {}",
            l.filed, l.patrols_done, l.patrols_expected, l.reposts, l.content
        )
    } else {
        format!(
            "Dicatat {} · Diterima {} · Dikembalikan {} · Diselesaikan {} · Ditutup dengan balasan {} · Dibuka kembali {}",
            l.filed, l.received, l.returned, l.resolved, l.closed_with_reply, l.reopens
        )
    };
    Row {
        rank: p.rank,
        name: l.name.clone(),
        agency: p.agency_name.clone(),
        score: format!("{:.1}", l.score),
        parts,
        figures,
    }
}

fn board_view(b: &Leaderboard) -> BoardView {
    BoardView {
        title: match b.board {
            Board::Opd => "Perangkat daerah",
            Board::Kecamatan => "Kecamatan",
        },
        agencies: b.agencies.iter().map(|p| row(p, false)).collect(),
        pics: b.pics.iter().map(|p| row(p, true)).collect(),
    }
}

fn period_words(from: NaiveDate, to: NaiveDate) -> String {
    format!("{} – {}", format::day(from), format::day(to))
}

/// The recap's boards and the latest frozen recaps.
async fn boards_of(
    state: &AppState,
    s: &Signed,
    recap: Recap,
) -> Result<(Vec<BoardView>, Vec<Frozen>), ServiceError> {
    let jur = s.user.jurisdiction_id.clone();
    let tz = s.user.timezone();
    state
        .db
        .read(move |c| {
            let boards = recap::boards(c, &jur, &recap)?;
            let frozen = snapshots::list(c, &jur, None, None, 20)?
                .items
                .into_iter()
                .map(|r| Frozen {
                    href: format!("{ROOT}/rekap/{}", r.id),
                    label: format!(
                        "{} (dibekukan {})",
                        period_words(r.from_day, r.to_day),
                        format::date_time(r.created_at.and_utc(), tz)
                    ),
                })
                .collect();
            Ok((boards.iter().map(board_view).collect(), frozen))
        })
        .await
}

#[derive(Deserialize)]
pub struct Shown {
    /// Any day of the period to show (default: today's).
    tanggal: Option<NaiveDate>,
}

/// `GET /app/rekap`: the recap of a fortnight as it stands now.
pub async fn show(
    state: web::Data<AppState>,
    s: Signed,
    q: web::Query<Shown>,
) -> Result<HttpResponse, PageError> {
    live_page(&state, &s, q.tanggal, StatusCode::OK, None).await
}

async fn live_page(
    state: &AppState,
    s: &Signed,
    day: Option<NaiveDate>,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ReadRecaps)?;
    let anchor = state.settings.recap_anchor;
    let (from, to) = match day {
        Some(d) => {
            let (f, t) = crate::domain::recap::period_of(anchor, d);
            (Some(f), Some(t))
        }
        None => (None, None),
    };
    let p = recap::period(&s.user, anchor, from, to)?;
    let user = s.user.clone();
    let period = p;
    let figures = state
        .db
        .read(move |c| recap::preview(c, &user, &period, false))
        .await?;
    let (boards, frozen) = boards_of(state, s, figures).await?;
    let link = |d: NaiveDate| format!("{ROOT}/rekap?tanggal={d}");
    page_with(
        status,
        &RecapPage {
            frame: Frame::of(s, Section::Recap),
            heading: "Rekap dua mingguan".into(),
            period: period_words(p.from, p.to),
            live: Some(Live {
                from: p.from,
                to: p.to,
                earlier: link(p.from - Duration::days(14)),
                later: link(p.from + Duration::days(14)),
            }),
            frozen_at: None,
            boards,
            frozen,
            may_freeze: s.user.require(Permission::FreezeRecaps).is_ok(),
            notice: None,
            error,
        },
    )
}

#[derive(Deserialize)]
pub struct FrozenShown {
    selesai: Option<String>,
}

/// `GET /app/rekap/{id}`: a frozen recap, as it was frozen.
pub async fn frozen(
    state: web::Data<AppState>,
    s: Signed,
    id: web::Path<String>,
    q: web::Query<FrozenShown>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ReadRecaps)?;
    let (jur, id) = (s.user.jurisdiction_id.clone(), id.into_inner());
    let row = state
        .db
        .read(move |c| {
            snapshots::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("there is no recap with this id"))
        })
        .await?;
    let figures: Recap = serde_json::from_str(&row.body).map_err(ServiceError::internal)?;
    let (boards, frozen) = boards_of(&state, &s, figures).await?;
    page_with(
        StatusCode::OK,
        &RecapPage {
            frame: Frame::of(&s, Section::Recap),
            heading: "Rekap yang dibekukan".into(),
            period: period_words(row.from_day, row.to_day),
            live: None,
            frozen_at: Some(format::date_time(
                row.created_at.and_utc(),
                s.user.timezone(),
            )),
            boards,
            frozen,
            may_freeze: false,
            notice: (q.selesai.as_deref() == Some("beku"))
                .then_some("Rekap sudah dibekukan: angkanya tidak akan berubah lagi."),
            error: None,
        },
    )
}

#[derive(Deserialize)]
pub struct FreezeForm {
    #[serde(default)]
    csrf: String,
    dari: Option<NaiveDate>,
    sampai: Option<NaiveDate>,
}

/// `POST /app/rekap`: freezes the period's recap and shows it.
pub async fn freeze(
    state: web::Data<AppState>,
    s: Signed,
    form: web::Form<FreezeForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    let done = async {
        s.user.require(Permission::FreezeRecaps)?;
        let p = recap::period(&s.user, state.settings.recap_anchor, form.dari, form.sampai)?;
        let user = s.user.clone();
        state.db.write(move |c| recap::freeze(c, &user, &p)).await
    }
    .await;
    match done {
        Ok(row) => Ok(see_other(&format!("{ROOT}/rekap/{}?selesai=beku", row.id))),
        Err(e) => {
            let (status, error) = refused(e)?;
            live_page(&state, &s, form.dari, status, Some(error)).await
        }
    }
}
