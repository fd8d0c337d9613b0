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
use crate::db::models::event::Event;
use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::ticket::{self, Ticket};
use crate::db::models::user::User;
use crate::db::schema::{agencies, categories, divisions, regions, users};
use crate::db::{new_id, new_id_at, DbConnection};
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
    if let Some(u) = users::table
        .filter(users::username.eq(&username))
        .select(User::as_select())
        .first(conn)
        .optional()?
    {
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
    diesel::insert_into(users::table).values(&u).execute(conn)?;
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
    let agencies: Vec<(String, String)> = agencies::table
        .filter(agencies::jurisdiction_id.eq(&jur.id))
        .order(agencies::code.asc())
        .select((agencies::id, agencies::code))
        .load(conn)?;
    for (id, code) in agencies {
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
        let divs: Vec<(String, String)> = divisions::table
            .filter(divisions::agency_id.eq(&id))
            .order(divisions::code.asc())
            .select((divisions::id, divisions::code))
            .load(conn)?;
        let mut heads = Vec::new();
        for (div, dcode) in divs {
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

/// Writes `opts.tickets` synthetic tickets into `jur`; gives how many.
pub fn generate(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    opts: &Options,
) -> anyhow::Result<usize> {
    let people = people(conn, jur)?;
    let cats: Vec<(String, Option<String>)> = categories::table
        .filter(categories::jurisdiction_id.eq(&jur.id))
        .order(categories::code.asc())
        .select((categories::id, categories::default_agency_id))
        .load(conn)?;
    let places: Vec<String> = regions::table
        .filter(regions::jurisdiction_id.eq(&jur.id))
        .order(regions::code.asc())
        .select(regions::id)
        .load(conn)?;
    let agency_ids: Vec<String> = {
        let mut v: Vec<String> = people.pic.keys().cloned().collect();
        v.sort();
        v
    };
    anyhow::ensure!(
        !cats.is_empty() && !agency_ids.is_empty(),
        "the jurisdiction needs categories and agencies"
    );
    let policy = clocks::policy(conn, &jur.id, None)?;
    let cal = clocks::calendar(conn, jur, opts.now - Duration::days(opts.days + 1))?;
    let tz: chrono_tz::Tz = jur.timezone.parse().unwrap_or(chrono_tz::Asia::Jakarta);
    let platforms = [
        "instagram",
        "instagram",
        "facebook",
        "facebook",
        "tiktok",
        "x",
        "youtube",
        "whatsapp",
    ];
    let words = [
        "Jalan rusak berlubang",
        "Lampu jalan mati",
        "Sampah menumpuk",
        "Banjir setelah hujan",
        "Pelayanan puskesmas lambat",
        "Air PDAM keruh",
        "Jembatan retak",
        "Drainase tersumbat",
    ];
    // The rows below bypass the rollups: trends read the raw tables until they are rebuilt.
    crate::service::rollups::invalidate(conn, &jur.id)?;
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
        let (category, default_agency) = cats[rng.below(cats.len())].clone();
        let home = agency_ids[rng.below(agency_ids.len())].clone();
        let filer = &people.pic[&home];
        let platform = platforms[rng.below(platforms.len())];
        let text = words[rng.below(words.len())];
        let at = filed_at.naive_utc();
        let id = new_id_at(at);
        let year = filed_at.with_timezone(&tz).format("%y").to_string();
        let number =
            ticket::next_code_number(conn, &jur.id, year.parse::<i32>().unwrap_or(0) + 2000)?;
        let mut s = Story {
            t: Ticket {
                id: id.clone(),
                jurisdiction_id: jur.id.clone(),
                code: format!("{}-{year}-{number:06}", jur.short_code),
                status: Status::New.as_str().into(),
                title: text.into(),
                description: None,
                category_id: Some(category.clone()),
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
        let _ = sla::apply(Action::File, &mut s.runs, &policy, &cal, filed_at);
        s.push(
            Some(filer),
            Action::File,
            Some(Status::New),
            filed_at,
            json!({"channel": platform, "synthetic": true}),
        );
        story(
            &mut s,
            &mut rng,
            &people,
            default_agency.as_deref().unwrap_or(&home),
            &agency_ids,
            filer,
            &policy,
            &cal,
            opts.now,
        );
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

/// Rows written together, many per statement.
#[derive(Default)]
struct Batch {
    tickets: Vec<Ticket>,
    events: Vec<Event>,
    clocks: Vec<clock_rows::ClockRow>,
}

impl Batch {
    fn write(&self, conn: &mut DbConnection) -> diesel::QueryResult<()> {
        use crate::db::schema::{ticket_clocks, ticket_events, tickets};
        // Well under both backends' limits on bound values per statement (SQLite: 32,766).
        macro_rules! insert_all {
            ($table:expr, $rows:expr, $per:expr) => {
                for chunk in $rows.chunks($per) {
                    match conn {
                        DbConnection::Postgres(pg) => {
                            diesel::insert_into($table).values(chunk).execute(pg)?
                        }
                        DbConnection::Sqlite(lite) => {
                            diesel::insert_into($table).values(chunk).execute(lite)?
                        }
                    };
                }
            };
        }
        insert_all!(tickets::table, self.tickets, 500);
        insert_all!(ticket_events::table, self.events, 2000);
        insert_all!(ticket_clocks::table, self.clocks, 1500);
        Ok(())
    }
}

/// A ticket's life after filing, as far as `now` allows.
#[allow(clippy::too_many_arguments)]
fn story(
    s: &mut Story,
    rng: &mut Rng,
    people: &People,
    target: &str,
    agencies: &[String],
    filer: &User,
    policy: &[sla::ClockTarget],
    cal: &crate::domain::calendar::Calendar,
    now: DateTime<Utc>,
) {
    let mut at = DateTime::<Utc>::from_naive_utc_and_offset(s.t.created_at, Utc);
    let mut step = |rng: &mut Rng, lo: i64, hi: i64| {
        at += rng.minutes(lo, hi);
        (at <= now).then_some(at)
    };
    if rng.chance(80) {
        let Some(t) = step(rng, 5, 36 * 60) else {
            return;
        };
        s.act(
            filer,
            Action::Reply,
            t,
            json!({"reply_url": "https://www.instagram.com/p/synthetic/"}),
            policy,
            cal,
        );
    }
    let coord = &people.coordinator;
    if rng.chance(6) {
        let Some(t) = step(rng, 60, 4 * 1440) else {
            return;
        };
        let action = if rng.chance(60) {
            Action::Reject
        } else {
            Action::Refer
        };
        s.act(
            coord,
            action,
            t,
            json!({"reason": "bukan aduan / wewenang instansi lain"}),
            policy,
            cal,
        );
        return;
    }
    let mut agency = if rng.chance(10) {
        agencies[rng.below(agencies.len())].clone()
    } else {
        target.to_string()
    };
    for _ in 0..2 {
        let Some(t) = step(rng, 60, 5 * 1440) else {
            return;
        };
        if !s.act(
            coord,
            Action::Route,
            t,
            json!({"agency_id": agency}),
            policy,
            cal,
        ) {
            return;
        }
        s.t.agency_id = Some(agency.clone());
        s.t.division_id = None;
        if agency == target || !rng.chance(70) {
            break;
        }
        let Some(t) = step(rng, 60, 3 * 1440) else {
            return;
        };
        let returned_by = agency.clone();
        if s.act(
            &people.head[&agency],
            Action::Return,
            t,
            json!({"reason": "bukan kewenangan", "agency_id": returned_by}),
            policy,
            cal,
        ) {
            s.t.agency_id = None;
        }
        agency = target.to_string();
    }
    let head = &people.head[&agency];
    let Some(t) = step(rng, 30, 6 * 1440) else {
        return;
    };
    let divisions = &people.divisions[&agency];
    let (division, worker) = if divisions.is_empty() {
        (None, head)
    } else {
        let (d, u) = &divisions[rng.below(divisions.len())];
        (Some(d.clone()), u)
    };
    let Some(division) = division else { return };
    s.t.division_id = Some(division.clone());
    if !s.act(
        head,
        Action::Assign,
        t,
        json!({"division_id": division}),
        policy,
        cal,
    ) {
        return;
    }
    let Some(t) = step(rng, 30, 3 * 1440) else {
        return;
    };
    s.act(worker, Action::Start, t, json!({}), policy, cal);
    let Some(t) = step(rng, 120, 45 * 1440) else {
        return;
    };
    if s.act(
        worker,
        Action::Resolve,
        t,
        json!({"summary": "Sudah ditangani", "no_visit_reason": "data sintetis"}),
        policy,
        cal,
    ) {
        s.t.resolution = Some("Sudah ditangani".into());
    }
    if rng.chance(85) {
        let Some(t) = step(rng, 10, 3 * 1440) else {
            return;
        };
        if s.act(
            filer,
            Action::Close,
            t,
            json!({"reply_url": "https://www.instagram.com/p/synthetic-close/"}),
            policy,
            cal,
        ) {
            s.t.reply_url = Some("https://www.instagram.com/p/synthetic-close/".into());
        }
        if rng.chance(4) {
            let Some(t) = step(rng, 60, 10 * 1440) else {
                return;
            };
            s.act(
                coord,
                Action::Reopen,
                t,
                json!({"reason": "warga melapor belum selesai"}),
                policy,
                cal,
            );
        }
    }
}
