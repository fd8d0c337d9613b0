//! `/app/aduan/{code}`: one complaint — its comment, status, clocks and timeline in words — with
//! a form for each action the signed-in user may take now. A form carries the version the user
//! saw: when someone else changed the complaint meanwhile, nothing is overwritten and the page
//! shows the new state with a word about it.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::evidence::{self, Photo, VisitView};
use super::form::{self, Sent};
use super::format::{self, Due};
use super::frame::{Frame, Section};
use super::labels;
use super::render::{page_with, refused, see_other, PageError};
use super::session::{Signed, ROOT};
use super::timeline::{describe, Names};
use crate::db::models::{agency, category, division, event, field_visit, hold, region, user};
use crate::domain::lifecycle::{Action, Status};
use crate::domain::policy::Permission;
use crate::domain::sla::ClockState;
use crate::domain::source::Channel;
use crate::error::ServiceError;
use crate::ids::{AgencyId, DivisionId};
use crate::service::clocks;
use crate::service::tickets::{self as tickets, Command, CreateFieldVisit, TicketDetails, Visit};
use crate::state::AppState;

pub struct ClockView {
    pub name: &'static str,
    pub due_at: String,
    pub badge: Option<Due>,
    pub state: &'static str,
}

pub struct Line {
    pub at: String,
    pub text: String,
}

pub struct Choice {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "aduan.html")]
struct TicketPage {
    frame: Frame,
    code: String,
    version: i32,
    title: String,
    status: &'static str,
    platform: &'static str,
    comment_url: Option<String>,
    comment_text: String,
    author: Option<String>,
    agency: Option<String>,
    division: Option<String>,
    category: Option<String>,
    region: Option<String>,
    address: Option<String>,
    reply_url: Option<String>,
    resolution: Option<String>,
    hold: Option<String>,
    clocks: Vec<ClockView>,
    timeline: Vec<Line>,
    actions: Vec<Action>,
    agencies: Vec<Choice>,
    divisions: Vec<Choice>,
    notice: Option<&'static str>,
    error: Option<String>,
    /// The photos it was filed with, and its field visits.
    filed_photos: Vec<Photo>,
    visits: Vec<VisitView>,
    /// The visit form: the time now (its default) and the photos it already brought.
    now_local: String,
    kept: Vec<String>,
    max_bytes: u64,
    /// Whether the user may show photos to the public; the proof card once it is fixed.
    may_publish: bool,
    proof: Option<String>,
}

impl TicketPage {
    /// Whether the user may take `action` now (the template's test for each form).
    fn may(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a.as_str() == action)
    }
}

/// What the page needs from the database, read in one go.
struct Loaded {
    details: TicketDetails,
    events: Vec<event::EventWithActor>,
    agencies: HashMap<String, String>,
    divisions: Vec<division::Division>,
    all_divisions: HashMap<String, String>,
    hold: Option<hold::Hold>,
    calendar: crate::domain::calendar::Calendar,
    /// The names of its category and region.
    category: Option<String>,
    region: Option<String>,
    visits: Vec<Visit>,
    /// The display names of the people in the timeline, by id.
    people: HashMap<String, String>,
    /// The photos shown to the public.
    published: std::collections::HashSet<String>,
}

async fn load(state: &AppState, s: &Signed, code: String) -> Result<Loaded, ServiceError> {
    let user = s.user.clone();
    state
        .db
        .read(move |c| {
            let t = tickets::load_visible_by_code(c, &user, &code)?;
            let events = event::list_for_ticket(c, &t.id)?;
            let actors: Vec<String> = events
                .iter()
                .filter_map(|(e, _)| e.actor_id.clone())
                .collect();
            let people = user::names_of(c, &user.jurisdiction_id, &actors)?;
            let all = agency::all(c, &user.jurisdiction_id)?;
            let every_division = division::all_in_jurisdiction(c, &user.jurisdiction_id)?;
            let divisions = every_division
                .iter()
                .filter(|d| t.agency_id.as_ref() == Some(&d.agency_id))
                .cloned()
                .collect();
            let all_divisions = every_division.into_iter().map(|d| (d.id, d.name)).collect();
            let visits = field_visit::list_for_ticket(c, &t.id)?;
            let published = crate::db::models::published_photo::of_ticket(c, &t.id)?
                .into_iter()
                .map(|p| p.attachment_id)
                .collect();
            let hold = hold::find(c, &t.id)?;
            let category = match &t.category_id {
                Some(id) => category::find(c, &user.jurisdiction_id, id)?.map(|k| k.name),
                None => None,
            };
            let region = match &t.region_id {
                Some(id) => region::find(c, &user.jurisdiction_id, id)?.map(|r| r.name),
                None => None,
            };
            let from = t.created_at.and_utc() - chrono::Duration::days(2);
            let calendar = clocks::calendar(c, &user.jurisdiction, from)?;
            Ok(Loaded {
                details: tickets::details_of(c, t)?,
                events,
                agencies: all.into_iter().map(|a| (a.id, a.name)).collect(),
                divisions,
                all_divisions,
                hold,
                calendar,
                category,
                region,
                visits,
                people,
                published,
            })
        })
        .await
}

fn clock_state(s: ClockState) -> &'static str {
    match s {
        ClockState::Running => "berjalan",
        ClockState::Met => "terpenuhi",
        ClockState::Breached => "terlewati",
        ClockState::Paused => "dijeda",
    }
}

/// What the page says besides the complaint: a notice after an action, or why it was refused
/// (with the photos the refused form brought, kept for the next try).
#[derive(Default)]
struct Said {
    notice: Option<&'static str>,
    error: Option<String>,
    kept: Vec<String>,
}

fn view(state: &AppState, s: &Signed, l: Loaded, said: Said) -> TicketPage {
    let tz = s.user.timezone();
    let now = chrono::Utc::now();
    let t = &l.details.ticket;
    let clocks = l
        .details
        .clock_runs()
        .into_iter()
        .map(|r| ClockView {
            name: super::labels::clock(r.clock),
            due_at: format::date_time(r.due_at, tz),
            badge: r
                .is_counting()
                .then(|| format::due(r.due_at, now, &l.calendar)),
            state: clock_state(r.state),
        })
        .collect();
    let names = Names {
        agencies: &l.agencies,
        divisions: &l.all_divisions,
    };
    let timeline = l
        .events
        .iter()
        .map(|(e, who)| Line {
            at: format::date_time(e.at.and_utc(), tz),
            text: describe(e, actor_name(e, who, &l.people), &names),
        })
        .collect();
    let mut agencies: Vec<Choice> = l
        .agencies
        .iter()
        .map(|(id, name)| Choice {
            id: id.clone(),
            name: name.clone(),
        })
        .collect();
    agencies.sort_by(|a, b| a.name.cmp(&b.name));
    TicketPage {
        frame: Frame::of(s, Section::Tickets),
        code: t.code.clone(),
        version: t.version,
        title: t.title.clone(),
        status: labels::status(t.status()),
        platform: labels::channel(Channel::parse(&t.platform).unwrap_or(Channel::Other)),
        comment_url: t.comment_url.clone(),
        comment_text: t.comment_text.clone(),
        author: t.author.clone(),
        agency: t
            .agency_id
            .as_ref()
            .and_then(|a| l.agencies.get(a))
            .cloned(),
        division: t
            .division_id
            .as_ref()
            .and_then(|d| l.all_divisions.get(d))
            .cloned(),
        category: l.category.clone(),
        region: l.region.clone(),
        address: t.address.clone(),
        reply_url: t.reply_url.clone(),
        resolution: t.resolution.clone(),
        hold: l.hold.as_ref().map(|h| h.reason.clone()),
        clocks,
        timeline,
        actions: l.details.allowed_actions(&s.user),
        agencies,
        divisions: l
            .divisions
            .into_iter()
            .map(|d| Choice {
                id: d.id,
                name: d.name,
            })
            .collect(),
        notice: said.notice,
        error: said.error,
        filed_photos: evidence::photos(&l.details.files, "Foto aduan", tz, &l.published),
        visits: evidence::visits(&l.visits, tz, &l.published),
        may_publish: !t.confidential && s.user.require(Permission::PublishEvidence).is_ok(),
        proof: (!t.confidential && matches!(t.status(), Status::Resolved | Status::Closed))
            .then(|| format!("{ROOT}/aduan/{}/bukti.png", t.code)),
        now_local: now.with_timezone(&tz).format(LOCAL_INPUT).to_string(),
        kept: said.kept,
        max_bytes: state.settings.max_upload_bytes,
    }
}

/// Who did it, by the name people know them by (the username when the user has none).
fn actor_name<'a>(
    e: &event::Event,
    who: &'a Option<(String, String)>,
    people: &'a HashMap<String, String>,
) -> Option<&'a str> {
    let name = e.actor_id.as_ref().and_then(|id| people.get(id));
    name.map(String::as_str)
        .or(who.as_ref().map(|(username, _)| username.as_str()))
}

/// A `datetime-local` field's format.
const LOCAL_INPUT: &str = "%Y-%m-%dT%H:%M";

#[derive(Deserialize)]
pub struct Shown {
    /// The action just done.
    selesai: Option<String>,
    /// Just filed.
    baru: Option<String>,
    /// Filed before (the same comment again).
    sudah: Option<String>,
}

/// `GET /app/aduan/{code}`.
pub async fn show(
    state: web::Data<AppState>,
    s: Signed,
    code: web::Path<String>,
    q: web::Query<Shown>,
) -> Result<HttpResponse, PageError> {
    let loaded = load(&state, &s, code.into_inner()).await?;
    let said = |notice| Said {
        notice,
        ..Said::default()
    };
    let notice = match (&q.baru, &q.sudah, &q.selesai) {
        (Some(_), _, _) => Some("Aduan tercatat. Kode lacaknya di atas; sampaikan kepada pelapor."),
        (_, Some(_), _) => Some("Komentar ini sudah tercatat sebelumnya; inilah aduannya."),
        (_, _, Some(action)) => Some(done_words(action)),
        _ => None,
    };
    page_with(StatusCode::OK, &view(&state, &s, loaded, said(notice)))
}

/// What the notice after an action says.
fn done_words(action: &str) -> &'static str {
    match action {
        "foto-publik" => return "Foto ditampilkan ke publik (salinan tanpa data EXIF).",
        "foto-tarik" => return "Foto ditarik dari publik.",
        _ => {}
    }
    match Action::parse(action) {
        Some(Action::Route) => "Aduan sudah didisposisikan.",
        Some(Action::Return) => "Aduan sudah dikembalikan ke koordinator.",
        Some(Action::Assign) => "Aduan sudah ditugaskan ke bidang.",
        Some(Action::Start) => "Pengerjaan sudah dimulai.",
        Some(Action::Resolve) => "Aduan sudah dinyatakan selesai dikerjakan.",
        Some(Action::Close) => "Aduan sudah ditutup.",
        Some(Action::Reply) => "Balasan publik sudah dicatat.",
        Some(Action::Reopen) => "Aduan sudah dibuka kembali.",
        Some(Action::Reject) => "Aduan sudah ditolak.",
        Some(Action::Refer) => "Aduan sudah dirujuk.",
        Some(Action::Hold) => "Aduan ditunda menunggu keterangan pelapor.",
        Some(Action::Resume) => "Aduan dilanjutkan.",
        Some(Action::Visit) => "Kunjungan lapangan sudah dicatat.",
        _ => "Tersimpan.",
    }
}

/// Every action form's fields (each form sends those it has).
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    versi: Option<i32>,
    agency_id: Option<String>,
    division_id: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    summary: Option<String>,
    no_visit_reason: Option<String>,
    reply_url: Option<String>,
    to: Option<String>,
}

fn given(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The id chosen in the select `field`.
fn choose(v: Option<String>, field: &str) -> Result<uuid::Uuid, ServiceError> {
    given(v)
        .and_then(|v| uuid::Uuid::parse_str(&v).ok())
        .ok_or_else(|| ServiceError::invalid(field, "choose one"))
}

/// The form of `action` as the service's command.
fn command(action: Action, f: ActionForm) -> Result<Command, ServiceError> {
    use crate::service::tickets::*;
    Ok(match action {
        Action::Route => Command::Route(RouteTicket {
            agency_id: AgencyId(choose(f.agency_id, "agency_id")?),
            note: given(f.note),
        }),
        Action::Return => Command::Return(ReturnTicket {
            reason: given(f.reason),
        }),
        Action::Assign => Command::Assign(AssignTicket {
            division_id: DivisionId(choose(f.division_id, "division_id")?),
            assignee_id: None,
        }),
        Action::Start => Command::Start(StartTicket {
            note: given(f.note),
        }),
        Action::Resolve => Command::Resolve(ResolveTicket {
            summary: given(f.summary),
            no_visit_reason: given(f.no_visit_reason),
        }),
        Action::Close => Command::Close(CloseTicket {
            reply_url: given(f.reply_url),
        }),
        Action::Reply => Command::Reply(ReplyToTicket {
            reply_url: given(f.reply_url),
            note: given(f.note),
        }),
        Action::Reopen => Command::Reopen(ReopenTicket {
            reason: given(f.reason),
        }),
        Action::Reject => Command::Reject(RejectTicket {
            reason: given(f.reason),
        }),
        Action::Refer => Command::Refer(ReferTicket {
            to: given(f.to),
            note: given(f.note),
        }),
        Action::Hold => Command::Hold(HoldTicket {
            reason: given(f.reason),
        }),
        Action::Resume => Command::Resume,
        _ => return Err(ServiceError::not_found("there is no such action here")),
    })
}

/// `POST /app/aduan/{code}/{action}`: does it and shows the complaint again; or shows why not,
/// beside the complaint as it is now.
pub async fn act(
    state: web::Data<AppState>,
    s: Signed,
    path: web::Path<(String, String)>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    s.check(&form.csrf)?;
    let (code, action) = path.into_inner();
    let action =
        Action::parse(&action).ok_or_else(|| ServiceError::not_found("there is no such action"))?;
    let form = form.into_inner();
    let version = form.versi;
    let done = async {
        let cmd = command(action, form)?;
        let id = ticket_id(&state, &s, &code).await?;
        tickets::act(&state, s.user.clone(), id, version, cmd).await
    }
    .await
    .map(|t| t.ticket.code);
    after(&state, &s, code, action, done, vec![]).await
}

/// The id of the complaint with tracking code `code`, when the user may see it.
async fn ticket_id(state: &AppState, s: &Signed, code: &str) -> Result<String, ServiceError> {
    let user = s.user.clone();
    let wanted = code.to_string();
    state
        .db
        .read(move |c| tickets::load_visible_by_code(c, &user, &wanted).map(|t| t.id))
        .await
}

/// After an action on complaint `code`: to the complaint with a word about it (303), or the
/// complaint as it is now with why the action was refused (the photos the form brought kept).
async fn after(
    state: &AppState,
    s: &Signed,
    code: String,
    action: Action,
    done: Result<String, ServiceError>,
    kept: Vec<String>,
) -> Result<HttpResponse, PageError> {
    match done {
        Ok(code) => Ok(see_other(&format!(
            "{ROOT}/aduan/{code}?selesai={}",
            action.as_str()
        ))),
        Err(e) => {
            let (status, error) = refused(e)?;
            let loaded = load(state, s, code).await?;
            let said = Said {
                error: Some(error),
                kept,
                ..Said::default()
            };
            page_with(status, &view(state, s, loaded, said))
        }
    }
}

/// The complaint `code` as it is now, with why something was refused.
pub(super) async fn refused_here(
    state: &AppState,
    s: &Signed,
    code: String,
    e: ServiceError,
) -> Result<HttpResponse, PageError> {
    let (status, error) = refused(e)?;
    let loaded = load(state, s, code).await?;
    let said = Said {
        error: Some(error),
        ..Said::default()
    };
    page_with(status, &view(state, s, loaded, said))
}

/// The field visit form: when, what was found, where, and photos.
#[derive(Deserialize)]
pub struct VisitForm {
    versi: Option<i32>,
    #[serde(default)]
    waktu: String,
    #[serde(default)]
    catatan: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    long: String,
    /// Photos a refused form already brought.
    #[serde(default)]
    berkas: Vec<String>,
}

/// The visit form as the service's input, with `photos` besides the ones it kept.
fn visit_input(f: &VisitForm, tz: chrono_tz::Tz) -> Result<CreateFieldVisit, ServiceError> {
    let visited_at = match f.waktu.trim() {
        "" => chrono::Utc::now().fixed_offset(),
        t => chrono::NaiveDateTime::parse_from_str(t, LOCAL_INPUT)
            .ok()
            .and_then(|t| t.and_local_timezone(tz).earliest())
            .map(|t| t.fixed_offset())
            .ok_or_else(|| ServiceError::invalid("visited_at", "not a date and time"))?,
    };
    Ok(CreateFieldVisit {
        visited_at,
        notes: given(Some(f.catatan.clone())),
        location: form::location(&f.lat, &f.long)?,
        attachment_ids: form::file_ids(&f.berkas)?,
    })
}

/// `POST /app/aduan/{code}/visit` (multipart, with photos): records a field visit.
pub async fn visit(
    state: web::Data<AppState>,
    s: Signed,
    code: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    let Sent {
        form: mut f,
        photos,
    } = form::read::<VisitForm>(&state, &s, &req, payload).await?;
    let done = async {
        f.berkas.extend(photos?.into_iter().map(|p| p.id));
        let input = visit_input(&f, s.user.timezone())?;
        let id = ticket_id(&state, &s, &code).await?;
        tickets::record_visit(&state, s.user.clone(), id, f.versi, input).await
    }
    .await
    .map(|(t, _)| t.ticket.code);
    after(&state, &s, code, Action::Visit, done, f.berkas).await
}
