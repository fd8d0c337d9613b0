//! `/app/rekap`: the regent's bi-weekly recap for leaders, coordinators and admins — the
//! fortnight's figures as they stand now, on the two boards the prizes are given on (perangkat
//! daerah and kecamatan, their agencies and their PICs ranked among themselves), with each
//! score's components in words and a drill-down to what every figure counts; freezing it; the
//! frozen recaps, which read the same forever (`/app/rekap/{id}`), where the leader marks the
//! winners and chooses to publish; and the card and caption to post.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::format;
use super::frame::{Frame, Section};
use super::render::{page_with, refused, see_other, PageError};
use super::session::{Signed, ROOT};
use crate::api::extract::PublicBase;
use crate::api::recaps::cards::{address_of, draw, png, preview, text, Preview};
use crate::cards::recap::{frozen_caption, RecapCard};
use crate::db::models::recap as snapshots;
use crate::domain::policy::Permission;
use crate::domain::recap::Board;
use crate::error::ServiceError;
use crate::service::recap::drill::{self, Item};
use crate::service::recap::{self, Choice, Leaderboard, Placed, RecapLine, Shown};
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
    /// Its drill-down.
    pub href: String,
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

/// A board's winner field in the decision form.
pub struct Pick {
    pub name: &'static str,
    pub title: &'static str,
    /// (username, "Nama — Dinas X"), best first.
    pub options: Vec<(String, String)>,
}

/// The decision once made, in words.
pub struct Decided {
    pub winners: Vec<String>,
    pub public: Option<String>,
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
    /// Where this recap's card and caption are.
    card: String,
    caption: String,
    /// For a frozen recap without a decision that the user may make: the winner fields.
    picks: Vec<Pick>,
    decide: Option<String>,
    decided: Option<Decided>,
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

fn row(p: &Placed, pic: bool, drill: &dyn Fn(&str) -> String) -> Row {
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
        href: drill(&l.key),
    }
}

fn board_title(b: Board) -> &'static str {
    match b {
        Board::Opd => "Perangkat daerah",
        Board::Kecamatan => "Kecamatan",
    }
}

fn board_views(boards: &[Leaderboard], drill: &dyn Fn(&str) -> String) -> Vec<BoardView> {
    boards
        .iter()
        .map(|b| BoardView {
            title: board_title(b.board),
            agencies: b.agencies.iter().map(|p| row(p, false, drill)).collect(),
            pics: b.pics.iter().map(|p| row(p, true, drill)).collect(),
        })
        .collect()
}

fn key_path(key: &str) -> String {
    url::form_urlencoded::byte_serialize(key.as_bytes()).collect()
}

fn period_words(from: NaiveDate, to: NaiveDate) -> String {
    format!("{} – {}", format::day(from), format::day(to))
}

/// The latest frozen recaps, as links.
async fn frozen_list(state: &AppState, s: &Signed) -> Result<Vec<Frozen>, ServiceError> {
    let jur = s.user.jurisdiction_id.clone();
    let tz = s.user.timezone();
    state
        .db
        .read(move |c| {
            Ok(snapshots::list(c, &jur, None, None, 20)?
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
                .collect())
        })
        .await
}

#[derive(Deserialize)]
pub struct Day {
    /// Any day of the period to show (default: today's).
    tanggal: Option<NaiveDate>,
}

/// The period holding `day` (default: today's).
fn live_period(
    state: &AppState,
    s: &Signed,
    day: Option<NaiveDate>,
) -> Result<recap::Period, ServiceError> {
    s.user.require(Permission::ReadRecaps)?;
    let anchor = state.settings.recap_anchor;
    let (from, to) = match day {
        Some(d) => {
            let (f, t) = crate::domain::recap::period_of(anchor, d);
            (Some(f), Some(t))
        }
        None => (None, None),
    };
    recap::period(&s.user, anchor, from, to)
}

/// `GET /app/rekap`: the recap of a fortnight as it stands now.
pub async fn show(
    state: web::Data<AppState>,
    s: Signed,
    q: web::Query<Day>,
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
    let p = live_period(state, s, day)?;
    let user = s.user.clone();
    let (_, boards) = state
        .db
        .read_lagging(move |c| recap::live(c, &user, &p))
        .await?;
    let frozen = frozen_list(state, s).await?;
    let link = |d: NaiveDate| format!("{ROOT}/rekap?tanggal={d}");
    let q = format!("tanggal={}", p.from);
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
            boards: board_views(&boards, &|k| {
                format!("{ROOT}/rekap/rincian/{}?{q}", key_path(k))
            }),
            frozen,
            may_freeze: s.user.require(Permission::FreezeRecaps).is_ok(),
            card: format!("{ROOT}/rekap/kartu.png?{q}"),
            caption: format!("{ROOT}/rekap/keterangan.txt?{q}"),
            picks: Vec::new(),
            decide: None,
            decided: None,
            notice: None,
            error,
        },
    )
}

#[derive(Deserialize)]
pub struct FrozenShown {
    selesai: Option<String>,
}

async fn load(state: &AppState, s: &Signed, id: String) -> Result<Shown, ServiceError> {
    s.user.require(Permission::ReadRecaps)?;
    let id = crate::api::recaps::recap_id(id)?;
    let user = s.user.clone();
    state.db.read(move |c| recap::frozen(c, &user, &id)).await
}

fn picks(sh: &Shown) -> Vec<Pick> {
    sh.boards
        .iter()
        .map(|b| Pick {
            name: match b.board {
                Board::Opd => "opd",
                Board::Kecamatan => "kecamatan",
            },
            title: board_title(b.board),
            options: b
                .pics
                .iter()
                .map(|p| {
                    let label = match &p.agency_name {
                        Some(a) => format!(
                            "{}. {} — {a} (skor {:.1})",
                            p.rank, p.line.name, p.line.score
                        ),
                        None => format!("{}. {} (skor {:.1})", p.rank, p.line.name, p.line.score),
                    };
                    (p.line.key.clone(), label)
                })
                .collect(),
        })
        .collect()
}

fn decided(sh: &Shown, base: &PublicBase) -> Option<Decided> {
    sh.decision.as_ref()?;
    let winners = Board::ALL
        .into_iter()
        .map(|b| {
            let who = match sh.winner(b) {
                Some((name, Some(a))) => format!("{name} — {a}"),
                Some((name, None)) => name,
                None => "tidak ada".into(),
            };
            format!("PIC terbaik {}: {who}", board_title(b).to_lowercase())
        })
        .collect();
    Some(Decided {
        winners,
        public: address_of(sh, base),
    })
}

async fn frozen_page(
    state: &AppState,
    s: &Signed,
    base: &PublicBase,
    sh: Shown,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let frozen = frozen_list(state, s).await?;
    let may_freeze = s.user.require(Permission::FreezeRecaps).is_ok();
    let id = sh.row.id.clone();
    let undecided = sh.decision.is_none() && may_freeze;
    page_with(
        status,
        &RecapPage {
            frame: Frame::of(s, Section::Recap),
            heading: "Rekap yang dibekukan".into(),
            period: period_words(sh.row.from_day, sh.row.to_day),
            live: None,
            frozen_at: Some(format::date_time(
                sh.row.created_at.and_utc(),
                s.user.timezone(),
            )),
            boards: board_views(&sh.boards, &|k| {
                format!("{ROOT}/rekap/{id}/rincian/{}", key_path(k))
            }),
            frozen,
            may_freeze: false,
            card: format!("{ROOT}/rekap/{id}/kartu.png"),
            caption: format!("{ROOT}/rekap/{id}/keterangan.txt"),
            picks: if undecided { picks(&sh) } else { Vec::new() },
            decide: undecided.then(|| format!("{ROOT}/rekap/{id}/keputusan")),
            decided: decided(&sh, base),
            notice,
            error,
        },
    )
}

/// `GET /app/rekap/{id}`: a frozen recap, as it was frozen.
pub async fn frozen(
    state: web::Data<AppState>,
    s: Signed,
    base: PublicBase,
    id: web::Path<String>,
    q: web::Query<FrozenShown>,
) -> Result<HttpResponse, PageError> {
    let sh = load(&state, &s, id.into_inner()).await?;
    let notice = match q.selesai.as_deref() {
        Some("beku") => Some("Rekap sudah dibekukan: angkanya tidak akan berubah lagi."),
        Some("putus") => Some("Pemenang sudah ditetapkan."),
        _ => None,
    };
    frozen_page(&state, &s, &base, sh, StatusCode::OK, notice, None).await
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

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    opd: String,
    #[serde(default)]
    kecamatan: String,
    terbitkan: Option<String>,
}

/// `POST /app/rekap/{id}/keputusan`: marks the winners and chooses publication, once.
pub async fn decide(
    state: web::Data<AppState>,
    s: Signed,
    base: PublicBase,
    id: web::Path<String>,
    form: web::Form<DecideForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    let id = id.into_inner();
    let f = form.into_inner();
    let choice = Choice {
        opd_winner: Some(f.opd).filter(|w| !w.is_empty()),
        kecamatan_winner: Some(f.kecamatan).filter(|w| !w.is_empty()),
        publish: f.terbitkan.as_deref() == Some("ya"),
    };
    let wanted = id.clone();
    let done = async {
        s.user.require(Permission::FreezeRecaps)?;
        let wanted = crate::api::recaps::recap_id(wanted)?;
        let user = s.user.clone();
        state
            .db
            .write(move |c| recap::decide(c, &user, &wanted, choice))
            .await
    }
    .await;
    match done {
        Ok(sh) => Ok(see_other(&format!(
            "{ROOT}/rekap/{}?selesai=putus",
            sh.row.id
        ))),
        Err(e) => {
            let (status, error) = refused(e)?;
            let sh = load(&state, &s, id).await?;
            frozen_page(&state, &s, &base, sh, status, None, Some(error)).await
        }
    }
}

/// `GET /app/rekap/{id}/kartu.png`.
pub async fn frozen_card(
    state: web::Data<AppState>,
    s: Signed,
    base: PublicBase,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let sh = load(&state, &s, id.into_inner()).await?;
    let bytes = draw(RecapCard::frozen(&sh, address_of(&sh, &base))).await?;
    let name = format!("rekap-{}-{}", sh.row.from_day, sh.row.to_day);
    Ok(png(bytes, &name, sh.decision.is_some()))
}

/// `GET /app/rekap/{id}/keterangan.txt`.
pub async fn frozen_caption_text(
    state: web::Data<AppState>,
    s: Signed,
    base: PublicBase,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let sh = load(&state, &s, id.into_inner()).await?;
    let name = format!("rekap-{}-{}", sh.row.from_day, sh.row.to_day);
    Ok(text(
        frozen_caption(&sh, address_of(&sh, &base).as_deref()),
        &name,
    ))
}

/// `GET /app/rekap/kartu.png?tanggal=`: the fortnight's card as it stands.
pub async fn live_card(
    state: web::Data<AppState>,
    s: Signed,
    q: web::Query<Day>,
) -> Result<HttpResponse, PageError> {
    let p = live_period(&state, &s, q.tanggal)?;
    Ok(preview(&state, s.user.clone(), p, Preview::Card).await?)
}

/// `GET /app/rekap/keterangan.txt?tanggal=`.
pub async fn live_caption_text(
    state: web::Data<AppState>,
    s: Signed,
    q: web::Query<Day>,
) -> Result<HttpResponse, PageError> {
    let p = live_period(&state, &s, q.tanggal)?;
    Ok(preview(&state, s.user.clone(), p, Preview::Caption).await?)
}

/// One figure of a drill-down, in words.
pub struct FigureView {
    pub title: &'static str,
    pub count: usize,
    pub items: Vec<ItemView>,
    pub more: usize,
}

pub struct ItemView {
    pub text: String,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "rekap_rincian.html")]
struct DrillPage {
    frame: Frame,
    name: String,
    period: String,
    back: String,
    figures: Vec<FigureView>,
}

fn figure_title(f: &str) -> &'static str {
    match f {
        "filed" => "Aduan dicatat",
        "replied_in_time" => "Dibalas tepat waktu",
        "received" => "Diterima",
        "returned" => "Dikembalikan (bukan kewenangan)",
        "resolved" => "Diselesaikan",
        "closed_with_reply" => "Ditutup dengan balasan",
        "clocks_met" => "Tenggat terpenuhi",
        "clocks_breached" => "Tenggat terlewat",
        "reopens" => "Dibuka kembali",
        "patrols" => "Patroli",
        "reposts" => "Unggah ulang",
        "content" => "Konten sendiri",
        _ => "Lainnya",
    }
}

fn item_view(i: Item) -> ItemView {
    match i {
        Item::Ticket { code, title, clock } => ItemView {
            text: match clock {
                Some(c) => format!("{code} · {title} (tenggat {c})"),
                None => format!("{code} · {title}"),
            },
            href: Some(format!("{ROOT}/aduan/{code}")),
        },
        Item::Patrol { day, slot } => ItemView {
            text: format!("{} · patroli {slot}", format::day(day)),
            href: None,
        },
        Item::Post { url, at } => ItemView {
            text: format!("{} · {url}", format::day(at.date())),
            href: Some(url),
        },
        Item::Gone(id) => ItemView {
            text: format!("{id} (tidak ada lagi)"),
            href: None,
        },
    }
}

/// The drill-down page of the line `key` of `recap`.
async fn drill_page(
    state: &AppState,
    s: &Signed,
    recap: recap::Recap,
    key: String,
    back: String,
) -> Result<HttpResponse, PageError> {
    let line = recap
        .agencies
        .iter()
        .chain(recap.pics.iter())
        .find(|l| l.key == key)
        .cloned()
        .ok_or_else(|| ServiceError::not_found("no such line in this recap"))?;
    let jur = s.user.jurisdiction_id.clone();
    let name = line.name.clone();
    let figures = state
        .db
        .read_lagging(move |c| drill::drill(c, &jur, &line))
        .await?
        .into_iter()
        .map(|f| FigureView {
            title: figure_title(f.figure),
            count: f.count,
            items: f.items.into_iter().map(item_view).collect(),
            more: f.more,
        })
        .collect();
    page_with(
        StatusCode::OK,
        &DrillPage {
            frame: Frame::of(s, Section::Recap),
            name,
            period: period_words(recap.from, recap.to),
            back,
            figures,
        },
    )
}

/// `GET /app/rekap/{id}/rincian/{key}`: what each figure of a frozen line counts.
pub async fn frozen_drill(
    state: web::Data<AppState>,
    s: Signed,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, key) = path.into_inner();
    let sh = load(&state, &s, id).await?;
    let back = format!("{ROOT}/rekap/{}", sh.row.id);
    drill_page(&state, &s, sh.recap, key, back).await
}

/// `GET /app/rekap/rincian/{key}?tanggal=`: the same for the fortnight as it stands.
pub async fn live_drill(
    state: web::Data<AppState>,
    s: Signed,
    key: web::Path<String>,
    q: web::Query<Day>,
) -> Result<HttpResponse, PageError> {
    let p = live_period(&state, &s, q.tanggal)?;
    let user = s.user.clone();
    let figures = state
        .db
        .read_lagging(move |c| recap::preview(c, &user, &p, true))
        .await?;
    let back = format!("{ROOT}/rekap?tanggal={}", p.from);
    drill_page(&state, &s, figures, key.into_inner(), back).await
}
