//! `aduan seed --synthetic N`: realistic tickets with their whole history, for demos and
//! benchmarks. Every step of every ticket is checked against the real lifecycle table
//! (`lifecycle::decide`) and runs the real clock rules (`sla::apply`) at its own time, so the
//! data looks like what the service itself would have written: events in order with their
//! actors, clocks met or breached (with `sla_breached` events), tickets still open where their
//! story has not finished yet. Deterministic for a given random seed.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::db::models::clock as clock_rows;
use crate::db::models::event::{self, Event};
use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::ticket::{self, Ticket};
use crate::db::models::user::{self, User};
use crate::db::models::{agency, category, division, region};
use crate::db::{new_id, new_id_at, DbConnection};
use crate::domain::calendar::Calendar;
use crate::domain::lifecycle::{self, Action, Actor, Status, TicketFacts};
use crate::domain::policy::Role;
use crate::domain::sla::{self, ClockRun, ClockState};
use crate::service::clocks;
use crate::service::journal::data_text;

/// What to make.
#[derive(Debug, Clone)]
pub struct Options {
    pub tickets: usize,
    /// Filing times are spread over this many days before `now`.
    pub days: i64,
    pub seed: u64,
    pub now: DateTime<Utc>,
}

/// splitmix64: a small deterministic generator (no cryptographic use).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// A duration between `lo` and `hi` minutes.
    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(lo + (self.next() % (hi - lo + 1).max(1) as u64) as i64)
    }
}

struct People {
    coordinator: User,
    /// Per agency id: its PIC and head.
    pic: HashMap<String, User>,
    head: HashMap<String, User>,
    /// Per agency id: its divisions with their heads.
    divisions: HashMap<String, Vec<(String, User)>>,
}

fn person(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    username: String,
    role: Role,
    agency_id: Option<String>,
    division_id: Option<String>,
) -> QueryResult<User> {
    if let Some(u) = user::find_by_username(conn, &username)? {
        return Ok(u);
    }
    let now = crate::db::now();
    let u = User {
        id: new_id(),
        jurisdiction_id: jur.id.clone(),
        display_name: format!("Synthetic {username}"),
        username,
        // Not a password hash: nobody can sign in as a synthetic user, who is inactive anyway.
        password_hash: "!synthetic".into(),
        role: role.as_str().into(),
        agency_id,
        division_id,
        active: false,
        token_version: 0,
        last_login_at: None,
        created_at: now,
        updated_at: now,
    };
    user::insert(conn, &u)?;
    Ok(u)
}

fn people(conn: &mut DbConnection, jur: &Jurisdiction) -> QueryResult<People> {
    let coordinator = person(
        conn,
        jur,
        format!("syn.{}.coordinator", jur.short_code.to_lowercase()),
        Role::Coordinator,
        None,
        None,
    )?;
    let mut p = People {
        coordinator,
        pic: HashMap::new(),
        head: HashMap::new(),
        divisions: HashMap::new(),
    };
    for agency::Agency { id, code, .. } in agency::all(conn, &jur.id)? {
        let pic = person(
            conn,
            jur,
            format!("syn.pic.{code}"),
            Role::Pic,
            Some(id.clone()),
            None,
        )?;
        let head = person(
            conn,
            jur,
            format!("syn.head.{code}"),
            Role::AgencyHead,
            Some(id.clone()),
            None,
        )?;
        let mut heads = Vec::new();
        for division::Division {
            id: div,
            code: dcode,
            ..
        } in division::all_of_agency(conn, &id)?
        {
            let h = person(
                conn,
                jur,
                format!("syn.div.{dcode}"),
                Role::DivisionHead,
                Some(id.clone()),
                Some(div.clone()),
            )?;
            heads.push((div, h));
        }
        p.pic.insert(id.clone(), pic);
        p.head.insert(id.clone(), head);
        p.divisions.insert(id, heads);
    }
    Ok(p)
}

fn actor(u: &User) -> Actor<'_> {
    Actor {
        id: &u.id,
        role: Role::parse(&u.role).unwrap_or(Role::Pic),
        agency_id: u.agency_id.as_deref(),
        division_id: u.division_id.as_deref(),
    }
}

/// One ticket being written: the row, its events and clocks so far.
struct Story {
    t: Ticket,
    events: Vec<Event>,
    runs: Vec<ClockRun>,
}

impl Story {
    fn facts(&self) -> TicketFacts<'_> {
        TicketFacts {
            status: Status::parse(&self.t.status).unwrap_or(Status::New),
            agency_id: self.t.agency_id.as_deref(),
            division_id: self.t.division_id.as_deref(),
            filed_by: &self.t.filed_by,
            on_hold: false,
        }
    }

    /// Marks the clocks that ran out before `at`, one `sla_breached` event each at its due time.
    fn breaches_until(&mut self, at: DateTime<Utc>) {
        let mut due: Vec<(DateTime<Utc>, usize)> = self
            .runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.breaches_at(at))
            .map(|(i, r)| (r.due_at + Duration::minutes(1), i))
            .collect();
        due.sort();
        for (when, i) in due {
            let when = when.min(at);
            self.runs[i].state = ClockState::Breached;
            let clock = self.runs[i].clock.as_str();
            let due_at = self.runs[i].due_at;
            self.push(
                None,
                Action::SlaBreached,
                None,
                when,
                json!({
                    "clock": clock,
                    "due_at": due_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                }),
            );
        }
    }

    fn push(
        &mut self,
        by: Option<&User>,
        action: Action,
        to: Option<Status>,
        at: DateTime<Utc>,
        data: serde_json::Value,
    ) {
        let from = self.t.status.clone();
        let to = to
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| from.clone());
        self.t.version += 1;
        let at = at.naive_utc();
        self.t.status = to.clone();
        self.t.updated_at = at;
        self.events.push(Event {
            ticket_id: self.t.id.clone(),
            seq: self.t.version,
            jurisdiction_id: self.t.jurisdiction_id.clone(),
            action: action.as_str().into(),
            actor_id: by.map(|u| u.id.clone()),
            at,
            from_status: Some(from),
            to_status: to,
            data: data_text(data),
        });
    }

    /// Does `action` by `by` at `at`, if the real policy allows it; `false` otherwise.
    fn act(
        &mut self,
        by: &User,
        action: Action,
        at: DateTime<Utc>,
        data: serde_json::Value,
        policy: &[sla::ClockTarget],
        cal: &crate::domain::calendar::Calendar,
    ) -> bool {
        self.breaches_until(at);
        let Ok(to) = lifecycle::decide(&actor(by), action, &self.facts()) else {
            return false;
        };
        if sla::apply(action, &mut self.runs, policy, cal, at).is_err() {
            return false;
        }
        self.push(Some(by), action, Some(to), at, data);
        true
    }
}

/// What every story is made of: the people, the jurisdiction's categories, places and
/// agencies, its clock targets and calendar.
struct Cast {
    people: People,
    /// `(category id, default agency id)`.
    categories: Vec<(String, Option<String>)>,
    places: Vec<String>,
    /// The agencies, each with its PIC.
    agencies: Vec<String>,
    policy: Vec<sla::ClockTarget>,
    cal: Calendar,
}

const PLATFORMS: [&str; 8] = [
    "instagram",
    "instagram",
    "facebook",
    "facebook",
    "tiktok",
    "x",
    "youtube",
    "whatsapp",
];

const COMPLAINTS: [&str; 8] = [
    "Jalan rusak berlubang",
    "Lampu jalan mati",
    "Sampah menumpuk",
    "Banjir setelah hujan",
    "Pelayanan puskesmas lambat",
    "Air PDAM keruh",
    "Jembatan retak",
    "Drainase tersumbat",
];

fn cast(conn: &mut DbConnection, jur: &Jurisdiction, opts: &Options) -> anyhow::Result<Cast> {
    let people = people(conn, jur)?;
    let categories: Vec<(String, Option<String>)> = category::all(conn, &jur.id)?
        .into_iter()
        .map(|c| (c.id, c.default_agency_id))
        .collect();
    let places: Vec<String> = region::all(conn, &jur.id)?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut agencies: Vec<String> = people.pic.keys().cloned().collect();
    agencies.sort();
    anyhow::ensure!(
        !categories.is_empty() && !agencies.is_empty(),
        "the jurisdiction needs categories and agencies"
    );
    Ok(Cast {
        policy: clocks::policy(conn, &jur.id, None)?,
        cal: clocks::calendar(conn, jur, opts.now - Duration::days(opts.days + 1))?,
        people,
        categories,
        places,
        agencies,
    })
}

/// Writes `opts.tickets` synthetic tickets into `jur`; gives how many.
pub fn generate(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    opts: &Options,
) -> anyhow::Result<usize> {
    let cast = cast(conn, jur, opts)?;
    // The rows below bypass the rollups: trends read the raw tables until they are rebuilt.
    crate::service::projections::invalidate(conn, &jur.id)?;
    let mut batch = Batch::default();
    let mut rng = Rng(opts.seed);
    // Oldest first, so ids (UUIDv7 of the filing time) grow with the counter.
    let mut times: Vec<DateTime<Utc>> = (0..opts.tickets)
        .map(|_| {
            opts.now - Duration::seconds((rng.next() % (opts.days.max(1) as u64 * 86_400)) as i64)
        })
        .collect();
    times.sort();
    for (n, filed_at) in times.into_iter().enumerate() {
        let (mut s, target, filer) = filed(conn, jur, opts, &cast, &mut rng, n, filed_at)?;
        let mut plot = Plot {
            at: filed_at,
            now: opts.now,
            s: &mut s,
            rng: &mut rng,
            cast: &cast,
        };
        let _ = plot.story(&target, filer);
        s.breaches_until(opts.now);
        s.t.next_due_at = sla::next_due(&s.runs).map(|t| t.naive_utc());
        batch
            .clocks
            .extend(s.runs.iter().map(|r| clocks::row_of(&s.t, r)));
        batch.events.append(&mut s.events);
        batch.tickets.push(s.t);
    }
    batch.write(conn)?;
    Ok(opts.tickets)
}

/// The `n`-th ticket, filed at `filed_at` by a PIC picked at random: its story so far, the
/// agency whose duty it is, and its filer.
#[allow(clippy::too_many_arguments)]
fn filed<'c>(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    opts: &Options,
    cast: &'c Cast,
    rng: &mut Rng,
    n: usize,
    filed_at: DateTime<Utc>,
) -> QueryResult<(Story, String, &'c User)> {
    let (category, default_agency) = cast.categories[rng.below(cast.categories.len())].clone();
    let home = cast.agencies[rng.below(cast.agencies.len())].clone();
    let filer = &cast.people.pic[&home];
    let platform = PLATFORMS[rng.below(PLATFORMS.len())];
    let text = COMPLAINTS[rng.below(COMPLAINTS.len())];
    let at = filed_at.naive_utc();
    let id = new_id_at(at);
    let year = filed_at.with_timezone(&jur.tz()).format("%y").to_string();
    let number = ticket::next_code_number(conn, &jur.id, year.parse::<i32>().unwrap_or(0) + 2000)?;
    let places = &cast.places;
    let mut s = Story {
        t: Ticket {
            id: id.clone(),
            jurisdiction_id: jur.id.clone(),
            code: format!("{}-{year}-{number:06}", jur.short_code),
            status: Status::New.as_str().into(),
            title: text.into(),
            description: None,
            category_id: Some(category),
            region_id: (!places.is_empty()).then(|| places[rng.below(places.len())].clone()),
            lat: Some(-6.57 + (rng.below(3000) as f64) / 10_000.0),
            lng: Some(107.6 + (rng.below(3000) as f64) / 10_000.0),
            address: None,
            agency_id: None,
            division_id: None,
            assignee_id: None,
            suggested_agency_id: default_agency.clone(),
            platform: platform.into(),
            comment_url: None,
            comment_key: format!("synthetic:{}:{n}:{id}", opts.seed),
            post_url: None,
            account: None,
            author: None,
            commented_at: Some(at),
            comment_text: format!("{text}, mohon ditindaklanjuti"),
            anonymous: false,
            confidential: false,
            reply_url: None,
            resolution: None,
            filed_by: filer.id.clone(),
            version: 0,
            created_at: at,
            updated_at: at,
            next_due_at: None,
        },
        events: Vec::new(),
        runs: Vec::new(),
    };
    let _ = sla::apply(Action::File, &mut s.runs, &cast.policy, &cast.cal, filed_at);
    s.push(
        Some(filer),
        Action::File,
        Some(Status::New),
        filed_at,
        json!({"channel": platform, "synthetic": true}),
    );
    Ok((s, default_agency.unwrap_or(home), filer))
}

/// Rows written together, many per statement.
#[derive(Default)]
struct Batch {
    tickets: Vec<Ticket>,
    events: Vec<Event>,
    clocks: Vec<clock_rows::ClockRow>,
}

impl Batch {
    fn write(&self, conn: &mut DbConnection) -> diesel::QueryResult<()> {
        ticket::insert_many(conn, &self.tickets)?;
        event::insert_many(conn, &self.events)?;
        clock_rows::insert_many(conn, &self.clocks)
    }
}

/// A ticket's life after filing, told step by step at random times until `now`. Every step
/// returns `None` when the story stops there (its time is past `now`, or the policy refused).
struct Plot<'a> {
    s: &'a mut Story,
    rng: &'a mut Rng,
    cast: &'a Cast,
    /// When the last step happened.
    at: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl Plot<'_> {
    /// The next moment, `lo` to `hi` minutes on; none once it is past `now`.
    fn step(&mut self, lo: i64, hi: i64) -> Option<DateTime<Utc>> {
        self.at += self.rng.minutes(lo, hi);
        (self.at <= self.now).then_some(self.at)
    }

    /// `action` by `by` at `t`, if the real policy allows it.
    fn act(
        &mut self,
        by: &User,
        action: Action,
        t: DateTime<Utc>,
        data: serde_json::Value,
    ) -> bool {
        self.s
            .act(by, action, t, data, &self.cast.policy, &self.cast.cal)
    }

    fn story(&mut self, target: &str, filer: &User) -> Option<()> {
        if self.rng.chance(80) {
            let t = self.step(5, 36 * 60)?;
            let data = json!({"reply_url": "https://www.instagram.com/p/synthetic/"});
            self.act(filer, Action::Reply, t, data);
        }
        if self.rng.chance(6) {
            return self.end_early();
        }
        let agency = self.route(target)?;
        self.work(&agency)?;
        self.close(filer)
    }

    /// Rejected or referred by the coordinator.
    fn end_early(&mut self) -> Option<()> {
        let t = self.step(60, 4 * 1440)?;
        let action = if self.rng.chance(60) {
            Action::Reject
        } else {
            Action::Refer
        };
        let coord = &self.cast.people.coordinator;
        let data = json!({"reason": "bukan aduan / wewenang instansi lain"});
        self.act(coord, action, t, data);
        None
    }

    /// Routed, sometimes first to a wrong agency that returns it; gives the agency it stays with.
    fn route(&mut self, target: &str) -> Option<String> {
        let cast = self.cast;
        let mut agency = if self.rng.chance(10) {
            cast.agencies[self.rng.below(cast.agencies.len())].clone()
        } else {
            target.to_string()
        };
        for _ in 0..2 {
            let t = self.step(60, 5 * 1440)?;
            let data = json!({"agency_id": agency});
            if !self.act(&cast.people.coordinator, Action::Route, t, data) {
                return None;
            }
            self.s.t.agency_id = Some(agency.clone());
            self.s.t.division_id = None;
            if agency == target || !self.rng.chance(70) {
                break;
            }
            let t = self.step(60, 3 * 1440)?;
            let data = json!({"reason": "bukan kewenangan", "agency_id": agency});
            if self.act(&cast.people.head[&agency], Action::Return, t, data) {
                self.s.t.agency_id = None;
            }
            agency = target.to_string();
        }
        Some(agency)
    }

    /// Assigned to one of the agency's divisions, started and resolved there.
    fn work(&mut self, agency: &str) -> Option<()> {
        let cast = self.cast;
        let head = &cast.people.head[agency];
        let t = self.step(30, 6 * 1440)?;
        let divisions = &cast.people.divisions[agency];
        if divisions.is_empty() {
            return None;
        }
        let (division, worker) = &divisions[self.rng.below(divisions.len())];
        self.s.t.division_id = Some(division.clone());
        if !self.act(head, Action::Assign, t, json!({"division_id": division})) {
            return None;
        }
        let t = self.step(30, 3 * 1440)?;
        self.act(worker, Action::Start, t, json!({}));
        let t = self.step(120, 45 * 1440)?;
        let data = json!({"summary": "Sudah ditangani", "no_visit_reason": "data sintetis"});
        if self.act(worker, Action::Resolve, t, data) {
            self.s.t.resolution = Some("Sudah ditangani".into());
        }
        Some(())
    }

    /// Mostly closed with the reply link by the PIC; now and then reopened.
    fn close(&mut self, filer: &User) -> Option<()> {
        if !self.rng.chance(85) {
            return Some(());
        }
        let t = self.step(10, 3 * 1440)?;
        let url = "https://www.instagram.com/p/synthetic-close/";
        if self.act(filer, Action::Close, t, json!({"reply_url": url})) {
            self.s.t.reply_url = Some(url.into());
        }
        if self.rng.chance(4) {
            let t = self.step(60, 10 * 1440)?;
            let data = json!({"reason": "warga melapor belum selesai"});
            self.act(&self.cast.people.coordinator, Action::Reopen, t, data);
        }
        Some(())
    }
}
