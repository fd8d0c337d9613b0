//! The trend rollups and SLA counters stay exactly equal to the raw tables: random synthetic history (rebuilt),
//! then random actions through the API (maintained in each action's transaction), compared for
//! every metric and grouping, day by day, on both backends.

mod common;

use aduan::domain::analytics::{Bucket, GroupBy, Metric};
use aduan::service::analytics::trends::{self, Question, Within};
use aduan::service::analytics::{hotspots, routing, sla, Period};
use aduan::service::projections::Source;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::TestApp;
use serde_json::{json, Value};

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn jurisdiction(app: &TestApp) -> aduan::db::models::jurisdiction::Jurisdiction {
    let mut conn = app.state.db.conn().unwrap();
    aduan::db::models::jurisdiction::first(&mut conn)
        .unwrap()
        .unwrap()
}

/// Every trend cell by day, from `source`, for all metrics and groupings, alone and within each
/// value of every dimension.
fn everything(app: &TestApp, source: Source, from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let jur = jurisdiction(app);
    let tz = jur.tz();
    let midnight = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
            .unwrap()
            .naive_utc()
    };
    let mut conn = app.state.db.conn().unwrap();
    let dims = [GroupBy::Category, GroupBy::Region, GroupBy::Agency];
    let mut filters = vec![None];
    for dim in dims {
        let mut codes: Vec<String> = trends::names(&mut conn, &jur.id, dim)
            .unwrap()
            .into_values()
            .map(|(c, _)| c)
            .collect();
        codes.sort();
        codes.dedup();
        filters.extend(codes.into_iter().map(|code| Some(Within { dim, code })));
    }
    let mut out = Vec::new();
    for metric in [Metric::Filed, Metric::Resolved, Metric::Closed] {
        for (group_by, bucket) in dims
            .into_iter()
            .flat_map(|d| [(d, Bucket::Day), (d, Bucket::Month)])
        {
            for within in &filters {
                let q = Question {
                    metric,
                    group_by,
                    bucket,
                    from,
                    to,
                    start: midnight(from),
                    end: midnight(to + Duration::days(1)),
                    within: within.clone(),
                };
                let names = trends::names(&mut conn, &jur.id, group_by).unwrap();
                let filter = within
                    .as_ref()
                    .map(|w| format!("{}={}", w.dim.as_str(), w.code))
                    .unwrap_or_else(|| "all".into());
                for ((day, group), n) in
                    trends::cells(&mut conn, &jur.id, tz, &q, &names, source).unwrap()
                {
                    out.push(format!(
                        "{} {} {filter} {bucket:?} {day} {} {n}",
                        metric.as_str(),
                        group_by.as_str(),
                        group.unwrap_or_else(|| "-".into())
                    ));
                }
            }
        }
    }
    out
}

/// The recap of `[from, to]` from `source`, as JSON with every id list sorted.
fn recap_json(
    app: &TestApp,
    source: aduan::service::recap::Source,
    from: NaiveDate,
    to: NaiveDate,
) -> Value {
    let jur = jurisdiction(app);
    let tz = jur.tz();
    let midnight = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
            .unwrap()
            .naive_utc()
    };
    let mut conn = app.state.db.conn().unwrap();
    let period = aduan::service::recap::Period {
        from,
        to,
        start: midnight(from),
        end: midnight(to + Duration::days(1)),
    };
    let recap =
        aduan::service::recap::compute(&mut conn, &jur.id, &period, 3, &Default::default(), source)
            .unwrap();
    let mut v = serde_json::to_value(recap).unwrap();
    for table in ["agencies", "pics"] {
        for line in v[table].as_array_mut().unwrap() {
            for (_, ids) in line["evidence"].as_object_mut().unwrap() {
                ids.as_array_mut()
                    .unwrap()
                    .sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
        }
    }
    v
}

/// Periods over `[from, to]`: whole months (read from month counters), days around them, and
/// single days.
fn spans(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let month = |d: NaiveDate| chrono::Datelike::with_day(&d, 1).unwrap();
    let last_month = month(month(to) - Duration::days(1));
    let mut spans = vec![
        (from, to),
        (to - Duration::days(13), to),
        (last_month, month(to) - Duration::days(1)),
        (last_month, to),
        (month(from), to),
    ];
    spans.extend((0..30).map(|d| (to - Duration::days(d), to - Duration::days(d))));
    spans
}

/// The lines `each` gives for every span of `[from, to]`, each after its span.
fn over_spans(
    app: &TestApp,
    from: NaiveDate,
    to: NaiveDate,
    mut each: impl FnMut(&mut aduan::db::DbConnection, &str, &Period) -> Vec<String>,
) -> Vec<String> {
    let jur = jurisdiction(app);
    let mut conn = app.state.db.conn().unwrap();
    let mut out = Vec::new();
    for (a, b) in spans(from, to) {
        let p = Period::of(jur.tz(), Some(a), Some(b), to).unwrap();
        out.extend(
            each(&mut conn, &jur.id, &p)
                .into_iter()
                .map(|l| format!("{a}..{b} {l}")),
        );
    }
    out
}

/// Every place total with a count, and its span, as text (`'category' cell count first last`).
fn place_totals(app: &TestApp) -> Vec<String> {
    use aduan::db::schema::place_totals::dsl as p;
    use diesel::prelude::*;
    let mut conn = app.state.db.conn().unwrap();
    let rows: Vec<aduan::db::models::place::PlaceTotal> = p::place_totals
        .filter(p::count.gt(0))
        .order((p::category_id, p::cell))
        .load(&mut *conn)
        .unwrap();
    rows.into_iter()
        .map(|t| {
            format!(
                "'{}' {} {} {:?} {:?}",
                t.category_id, t.cell, t.count, t.first_at, t.last_at
            )
        })
        .collect()
}

/// The hotspots' areas from `source` over the spans of `[from, to]`, as text.
fn hotspots_everything(
    app: &TestApp,
    source: Source,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<String> {
    over_spans(app, from, to, |c, jur, p| {
        let v = hotspots::hotspots_from(c, jur, p, 200, source).unwrap();
        v.areas
            .into_iter()
            .map(|r| format!("{:?} {:?} {}", r.region, r.category, r.count))
            .collect()
    })
}

/// The hotspots' repeated places over the spans of `[from, to]` at several limits (ties cut at
/// the last), counted from the tickets or found from the place totals, as text.
fn repeated_everything(app: &TestApp, walk: bool, from: NaiveDate, to: NaiveDate) -> Vec<String> {
    over_spans(app, from, to, |c, jur, p| {
        let mut out = Vec::new();
        for limit in [1, 2, 5, 200] {
            for r in hotspots::repeated_places(c, jur, p, limit, walk).unwrap() {
                out.push(format!(
                    "top {limit} {:?} {} {} {}",
                    r.category, r.lat, r.long, r.count
                ));
            }
        }
        out
    })
}

/// The SLA report from `source` over the spans of `[from, to]`, as text.
fn sla_everything(app: &TestApp, source: Source, from: NaiveDate, to: NaiveDate) -> Vec<String> {
    over_spans(app, from, to, |c, jur, p| {
        let v = sla::sla_from(c, jur, p, source).unwrap();
        v.rows
            .into_iter()
            .map(|r| {
                format!(
                    "{} {:?} {:?} met {} breached {} running {} paused {}",
                    r.clock, r.agency, r.category, r.met, r.breached, r.running, r.paused
                )
            })
            .collect()
    })
}

/// The routing report from `source` over the spans of `[from, to]`, as text.
fn routing_everything(
    app: &TestApp,
    source: Source,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<String> {
    let tz = jurisdiction(app).tz();
    over_spans(app, from, to, |c, jur, p| {
        let v = routing::routing_from(c, jur, tz, p, source).unwrap();
        v.rows
            .into_iter()
            .map(|r| {
                format!(
                    "{:?}->{:?} returns {} reroutes {} ping-pong {}",
                    r.from_agency, r.to_agency, r.returns, r.reroutes, r.ping_pong
                )
            })
            .collect()
    })
}

/// The backlog from `source` as it stood at instants over the last weeks (each moves the age
/// bounds to another time of day), as text.
fn backlog_everything(app: &TestApp, source: Source) -> Vec<String> {
    use aduan::service::analytics::backlog;
    let jur = jurisdiction(app);
    let mut conn = app.state.db.conn().unwrap();
    let mut out = Vec::new();
    for hours in [0, 5, 13, 29, 77, 150, 333] {
        let now = Utc::now() - Duration::hours(hours) - Duration::minutes(7 * hours);
        let v = backlog::backlog_from(&mut conn, &jur.id, jur.tz(), now, source).unwrap();
        for r in v.rows {
            out.push(format!(
                "-{hours}h {:?} {} {}",
                r.agency, r.age_band, r.count
            ));
        }
    }
    out
}

/// Every agency's planning table from `source` for the years of `[from, to]`, as text.
fn planning_everything(
    app: &TestApp,
    source: Source,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<String> {
    use aduan::service::analytics::planning;
    use chrono::Datelike;
    let jur = jurisdiction(app);
    let mut conn = app.state.db.conn().unwrap();
    let mut agencies: Vec<String> = trends::names(&mut conn, &jur.id, GroupBy::Agency)
        .unwrap()
        .into_values()
        .map(|(c, _)| c)
        .collect();
    agencies.sort();
    let mut out = Vec::new();
    for code in &agencies {
        for year in from.year()..=to.year() {
            let v =
                planning::planning_from(&mut conn, &jur.id, jur.tz(), code, year, source).unwrap();
            for r in v.rows {
                out.push(format!(
                    "{code} {year} {:?} {:?} {} fixed {} median {:?} repeated {}",
                    r.kecamatan,
                    r.category,
                    r.complaints,
                    r.fixed,
                    r.median_days_to_fix,
                    r.repeated_places
                ));
            }
        }
    }
    out
}

/// The SLA, open-ticket, routing and planning counters answer as the raw tables do; gives the
/// raw answers.
fn counters_agree(app: &TestApp, from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut raw = sla_everything(app, Source::Raw, from, to);
    assert_eq!(sla_everything(app, Source::Projections, from, to), raw);
    let open = backlog_everything(app, Source::Raw);
    assert!(open.len() > 10, "{open:?}");
    assert_eq!(backlog_everything(app, Source::Projections), open);
    raw.extend(open);
    let areas = hotspots_everything(app, Source::Raw, from, to);
    assert!(areas.len() > 20, "{areas:?}");
    assert_eq!(
        hotspots_everything(app, Source::Projections, from, to),
        areas
    );
    raw.extend(areas);
    let places = repeated_everything(app, false, from, to);
    assert_eq!(repeated_everything(app, true, from, to), places);
    raw.extend(places);
    let moves = routing_everything(app, Source::Raw, from, to);
    assert!(
        moves.iter().any(|l| l.contains("returns 1")) && moves.iter().any(|l| l.contains("None")),
        "{moves:?}"
    );
    assert_eq!(
        routing_everything(app, Source::Projections, from, to),
        moves
    );
    raw.extend(moves);
    let planned = planning_everything(app, Source::Raw, from, to);
    assert!(
        planned.iter().any(|l| !l.contains("median None")),
        "{planned:?}"
    );
    assert_eq!(
        planning_everything(app, Source::Projections, from, to),
        planned
    );
    raw.extend(planned);
    raw
}

/// The recap from the facts equals the recap from the raw tables, with and without the ids.
fn recaps_agree(app: &TestApp, from: NaiveDate, to: NaiveDate) {
    use aduan::service::recap::Source;
    let raw = recap_json(app, Source::Raw, from, to);
    assert_eq!(
        recap_json(app, Source::Facts { evidence: true }, from, to),
        raw
    );
    let mut counted = recap_json(app, Source::Facts { evidence: false }, from, to);
    let mut plain = raw.clone();
    for v in [&mut counted, &mut plain] {
        for table in ["agencies", "pics"] {
            for line in v[table].as_array_mut().unwrap() {
                line.as_object_mut().unwrap().remove("evidence");
            }
        }
    }
    assert_eq!(counted, plain);
}

async fn rollups_equal_raw(app: TestApp) {
    let jur = jurisdiction(&app);
    let now = Utc::now();
    let today = now.with_timezone(&jur.tz()).date_naive();
    let from = today - Duration::days(100);

    // A random history written in bulk, then the rollups rebuilt from it.
    {
        let mut conn = app.state.db.conn().unwrap();
        let opts = aduan::cli::synthetic::Options {
            tickets: 400,
            days: 90,
            seed: 11,
            now,
        };
        aduan::cli::synthetic::generate(&mut conn, &jur, &opts).unwrap();
        assert!(!aduan::service::projections::ready(&mut conn, &jur.id, jur.tz()).unwrap());
        aduan::service::projections::rebuild(&mut conn, &jur.id, jur.tz()).unwrap();
        assert!(aduan::service::projections::ready(&mut conn, &jur.id, jur.tz()).unwrap());
    }
    let raw = everything(&app, Source::Raw, from, today);
    assert!(raw.len() > 100, "{} cells", raw.len());
    for filter in [" category=", " region=", " agency="] {
        assert!(
            raw.iter().any(|l| l.contains(filter)),
            "no cell with {filter}"
        );
    }
    assert_eq!(everything(&app, Source::Projections, from, today), raw);
    let sla_raw = counters_agree(&app, from, today);
    assert!(sla_raw.len() > 20, "{} SLA cells", sla_raw.len());
    for state in ["met 0", "breached 0", "running 0"] {
        assert!(
            sla_raw.iter().any(|l| !l.contains(state)),
            "none but {state}"
        );
    }
    let quarter = today - Duration::days(89);
    recaps_agree(&app, quarter, today);
    recaps_agree(&app, today - Duration::days(20), today - Duration::days(7));

    // Random actions through the API: filings, routes and re-routes, returns, resolves,
    // closes, reopens — moving tickets and their past resolutions between agencies.
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "dpupr", None).await;
    let (_, coord) = app.user_in(&admin, "coordinator", "diskominfo", None).await;
    let (_, dpupr_head) = app.user_in(&admin, "agency_head", "dpupr", None).await;
    let (_, dinkes_head) = app.user_in(&admin, "agency_head", "dinkes", None).await;
    let (_, divhead) = app
        .user_in(&admin, "division_head", "dpupr", Some("dpupr.bina-marga"))
        .await;
    let dpupr = app.agency_id(&admin, "dpupr").await;
    let dinkes = app.agency_id(&admin, "dinkes").await;
    let division = app.division_id(&admin, "dpupr", "dpupr.bina-marga").await;
    let categories = ["jalan", "sampah", "banjir-drainase"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut done: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut tickets = Vec::new();
    for n in 0..24 {
        let r = app
            .post(
                "/api/v1/tickets",
                &pic,
                json!({"source": {"platform": "instagram", "comment_url": format!("https://www.instagram.com/p/RU/c/18090000{n:0>9}/"), "text": format!("aduan acak {n}")}, "category": categories[rng.below(3)],
                    "region": "jalancagak",
                    // Three places, so that places repeat (and stop repeating as tickets move).
                    "location": {"lat": -6.6 - 0.01 * (n % 3) as f64, "long": 107.7}}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        tickets.push(r.id());
    }
    let steps: Vec<(&str, &str, Value)> = vec![
        ("route", coord.as_str(), json!({"agency_id": dpupr})),
        ("route", coord.as_str(), json!({"agency_id": dinkes})),
        (
            "return",
            dinkes_head.as_str(),
            json!({"reason": "bukan kewenangan"}),
        ),
        (
            "return",
            dpupr_head.as_str(),
            json!({"reason": "bukan kewenangan"}),
        ),
        (
            "assign",
            dpupr_head.as_str(),
            json!({"division_id": division}),
        ),
        ("start", divhead.as_str(), json!({})),
        (
            "resolve",
            divhead.as_str(),
            json!({"summary": "Ditambal", "no_visit_reason": "rekanan"}),
        ),
        (
            "close",
            pic.as_str(),
            json!({"reply_url": "https://www.instagram.com/p/RU/c/1/"}),
        ),
        ("reopen", coord.as_str(), json!({"reason": "Masih rusak"})),
    ];
    // Each round: a random ticket, and the steps in a random order until one is allowed.
    for _ in 0..150 {
        let t = &tickets[rng.below(tickets.len())];
        let mut order: Vec<usize> = (0..steps.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        for i in order {
            let (action, token, body) = &steps[i];
            let r = app
                .post(
                    &format!("/api/v1/tickets/{t}/{action}"),
                    token,
                    body.clone(),
                )
                .await;
            if r.status.is_success() {
                *done.entry(action).or_default() += 1;
                break;
            }
            assert!(
                [403, 404, 409].contains(&r.status.as_u16()),
                "{action}: {}",
                r.text
            );
        }
    }
    for action in ["route", "return", "resolve", "close", "reopen"] {
        assert!(
            done.get(action).copied().unwrap_or(0) > 0,
            "no {action} in {done:?}"
        );
    }

    // Maintained in each transaction: still equal to the raw tables, and to a fresh rebuild.
    let raw = everything(&app, Source::Raw, from, today);
    assert_eq!(everything(&app, Source::Projections, from, today), raw);
    recaps_agree(&app, quarter, today);
    let agreed = counters_agree(&app, from, today);
    assert_ne!(agreed, sla_raw);
    assert!(
        agreed
            .iter()
            .any(|l| l.contains(" repeated ") && !l.ends_with(" repeated 0")),
        "no repeated place in a planning table"
    );
    assert!(
        agreed.iter().any(|l| l.contains(" top 1 ")),
        "no repeated place in the hotspots"
    );
    // A clock breached by the escalation task counts too.
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.state.db.conn().unwrap();
        let sql =
            format!(
            "UPDATE ticket_clocks SET due_at = '{}' WHERE state = 'running' AND clock = 'resolve'",
            (Utc::now() - Duration::hours(1)).naive_utc().format("%Y-%m-%d %H:%M:%S")
        );
        match &mut *conn {
            aduan::db::DbConnection::Postgres(c) => c.batch_execute(&sql).unwrap(),
            aduan::db::DbConnection::Sqlite(c) => c.batch_execute(&sql).unwrap(),
        }
    }
    let before = recap_json(&app, aduan::service::recap::Source::Raw, quarter, today);
    let breached = aduan::jobs::escalation::tick(&app.state).await.unwrap();
    assert!(breached.breached > 0, "{}", breached.breached);
    let after = recap_json(&app, aduan::service::recap::Source::Raw, quarter, today);
    assert_ne!(before, after);
    recaps_agree(&app, quarter, today);
    let sla_raw = counters_agree(&app, from, today);
    {
        let mut conn = app.state.db.conn().unwrap();
        aduan::service::projections::rebuild(&mut conn, &jur.id, jur.tz()).unwrap();
    }
    assert_eq!(everything(&app, Source::Projections, from, today), raw);

    // No action moves a resolved ticket to another agency today, but the rollups are ready
    // for one: move a resolved and closed ticket to another agency and region the way an action
    // would (rollups first, then the row, in one transaction).
    {
        use aduan::db::schema::{ticket_events, tickets};
        use diesel::prelude::*;
        let mut conn = app.state.db.conn().unwrap();
        // One with a place, so that its place moves too.
        let id: String = ticket_events::table
            .inner_join(tickets::table.on(tickets::id.eq(ticket_events::ticket_id)))
            .filter(ticket_events::action.eq("close"))
            .filter(tickets::lat.is_not_null())
            .select(ticket_events::ticket_id)
            .first(&mut *conn)
            .unwrap();
        let before = aduan::db::models::ticket::find(&mut conn, &jur.id, &id)
            .unwrap()
            .unwrap();
        let mut after = before.clone();
        after.agency_id = Some(if before.agency_id.as_deref() == Some(dinkes.as_str()) {
            dpupr.clone()
        } else {
            dinkes.clone()
        });
        after.region_id = None;
        after.category_id = None;
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            // As an action with no event of its own in the counters would.
            let e = aduan::db::models::event::Event {
                ticket_id: id.clone(),
                seq: before.version + 1,
                jurisdiction_id: jur.id.clone(),
                action: "hold".into(),
                actor_id: None,
                at: aduan::db::now(),
                from_status: None,
                to_status: before.status.clone(),
                data: "{}".into(),
            };
            aduan::service::rollups::on_write(c, jur.tz(), Some(&before), &after, &e)?;
            aduan::service::places::on_write(c, Some(&before), &after)?;
            use aduan::service::sla_counts::{around, Owner};
            let owner =
                |t: &aduan::db::models::ticket::Ticket| Owner::of(&t.agency_id, &t.category_id);
            around(
                c,
                jur.tz(),
                &jur.id,
                &id,
                (&owner(&before), &owner(&after)),
                |c| {
                    diesel::update(tickets::table.filter(tickets::id.eq(&id)))
                        .set((
                            tickets::agency_id.eq(&after.agency_id),
                            tickets::region_id.eq(&after.region_id),
                            tickets::category_id.eq(&after.category_id),
                        ))
                        .execute(c)
                },
            )
        })
        .unwrap();
    }
    let moved = everything(&app, Source::Raw, from, today);
    assert_ne!(moved, raw);
    assert_eq!(everything(&app, Source::Projections, from, today), moved);
    let raw = moved;
    assert_ne!(counters_agree(&app, from, today), sla_raw);
    // Facts made afresh for everything agree as well, and so do the place totals and spans.
    let totals = place_totals(&app);
    assert!(totals.iter().any(|t| t.starts_with("'' ")), "{totals:?}");
    {
        let mut conn = app.state.db.conn().unwrap();
        aduan::service::projections::rebuild(&mut conn, &jur.id, jur.tz()).unwrap();
    }
    assert_eq!(place_totals(&app), totals);
    recaps_agree(&app, quarter, today);
    counters_agree(&app, from, today);

    // The endpoint answers from the rollups, month by category, the same as the raw count.
    let (_, planner) = app.user_in(&admin, "planner", "bp4d", None).await;
    let r = app
        .get(
            &format!("/api/v1/analytics/trends?from={from}&to={today}&bucket=month&metric=resolved&group_by=agency"),
            &planner,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let total: i64 = r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["count"].as_i64().unwrap())
        .sum();
    let raw_total: i64 = raw
        .iter()
        .filter(|l| l.starts_with("resolved agency all Day "))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, raw_total);
    assert!(total > 0);
}

on_both_backends!(rollups_equal_raw);
