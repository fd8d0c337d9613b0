//! `/app/analitik`: the planners' dashboard (planner, leader, coordinator, admin) — trends over
//! time by category, kecamatan or agency, optionally within one value of another; the backlog by
//! age and agency; SLA compliance; hotspots; routing ping-pong — each drawn on the server as SVG
//! (`charts`) with its numbers in a table and its CSV/XLSX download; and the "bahan
//! perencanaan" table of an agency's year. Reads what the analytics API reads
//! (`service::analytics`).

use std::collections::{BTreeSet, HashMap};

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::charts::{self, Bar, Columns, Key, Series};
use super::frame::{Frame, Section};
use super::labels;
use super::render::{page, PageError};
use super::session::{Signed, ROOT};
use crate::api::analytics::export::attachment;
use crate::db::DbConnection;
use crate::domain::analytics::{bucket_label, bucket_of_day, Bucket, GroupBy, Metric, AGE_BANDS};
use crate::domain::policy::Permission;
use crate::domain::sla::Clock;
use crate::error::ServiceError;
use crate::service::analytics::table::{download as file_of, Format};
use crate::service::analytics::trends::{self, Question, TrendsView, Within};
use crate::service::analytics::{backlog, hotspots, period, planning, routing, sla, Names, Period};
use crate::state::AppState;

/// Series drawn in a trend; the rest are summed as "Lainnya".
const SHOWN: usize = 5;
/// Hotspots listed.
const HOTSPOTS: usize = 10;

/// The dashboard's query, as its filter form sends it (empty meaning the default).
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct Ask {
    dari: String,
    sampai: String,
    kelompok: String,
    ukuran: String,
    satuan: String,
    kategori: String,
    kecamatan: String,
    pd: String,
}

/// The query, understood.
struct Asked {
    period: Period,
    question: Question,
}

/// A field of the filter form that does not hold a valid value (named in words by
/// `messages::field`).
fn invalid(field: &str) -> ServiceError {
    ServiceError::invalid(field, "not a valid value")
}

impl Ask {
    fn understood(&self, s: &Signed) -> Result<Asked, ServiceError> {
        let day = |v: &str, what| match v.trim() {
            "" => Ok(None),
            d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| invalid(what)),
        };
        let p = period(
            s.user.timezone(),
            day(&self.dari, "dari")?,
            day(&self.sampai, "sampai")?,
        )?;
        fn parse<T>(
            v: &str,
            what: &str,
            f: fn(&str) -> Option<T>,
        ) -> Result<Option<T>, ServiceError> {
            match v.trim() {
                "" => Ok(None),
                v => f(v).map(Some).ok_or_else(|| invalid(what)),
            }
        }
        let group_by: Option<GroupBy> = parse(&self.kelompok, "kelompok", GroupBy::parse)?;
        let metric: Option<Metric> = parse(&self.ukuran, "ukuran", Metric::parse)?;
        let bucket: Option<Bucket> = parse(&self.satuan, "satuan", Bucket::parse)?;
        let mut question = Question::of(
            metric.unwrap_or(Metric::Filed),
            group_by.unwrap_or(GroupBy::Category),
            bucket.unwrap_or(Bucket::Month),
            &p,
        );
        let filters: Vec<Within> = [
            (GroupBy::Category, &self.kategori),
            (GroupBy::Region, &self.kecamatan),
            (GroupBy::Agency, &self.pd),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(dim, v)| Within {
            dim,
            code: v.trim().to_string(),
        })
        .collect();
        if filters.len() > 1 {
            return Err(invalid("penyaring"));
        }
        question.within = filters.into_iter().next();
        Ok(Asked {
            period: p,
            question,
        })
    }

    /// The query string that asks the same.
    fn query(&self) -> String {
        let pairs = [
            ("dari", &self.dari),
            ("sampai", &self.sampai),
            ("kelompok", &self.kelompok),
            ("ukuran", &self.ukuran),
            ("satuan", &self.satuan),
            ("kategori", &self.kategori),
            ("kecamatan", &self.kecamatan),
            ("pd", &self.pd),
        ];
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(_, v)| !v.trim().is_empty()))
            .finish()
    }
}

/// An option of a select.
pub struct Choice {
    pub value: String,
    pub name: String,
    pub chosen: bool,
}

fn choices(names: &Names, chosen: &str) -> Vec<Choice> {
    let unique: BTreeSet<(String, String)> = names
        .values()
        .map(|(c, n)| (n.clone(), c.clone()))
        .collect();
    unique
        .into_iter()
        .map(|(name, value)| Choice {
            chosen: value == chosen.trim(),
            value,
            name,
        })
        .collect()
}

fn options<T: Copy + PartialEq>(
    all: &[T],
    chosen: T,
    value: fn(T) -> &'static str,
    name: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: value(*v).to_string(),
            name: name(*v).to_string(),
            chosen: *v == chosen,
        })
        .collect()
}

/// A chart's downloads.
pub struct Downloads {
    pub csv: String,
    pub xlsx: String,
}

fn downloads(table: &str, query: &str) -> Downloads {
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let at = |ext| format!("{ROOT}/analitik/unduh/{table}.{ext}{query}");
    Downloads {
        csv: at("csv"),
        xlsx: at("xlsx"),
    }
}

/// A table in words: its head and rows.
pub struct Table {
    pub head: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

pub struct TrendSection {
    pub title: String,
    pub chart: Columns,
    pub table: Table,
    pub files: Downloads,
}

pub struct BarSection {
    pub bars: Vec<Bar>,
    pub legend: Vec<Key>,
    pub files: Downloads,
}

pub struct Ping {
    pub from: String,
    pub to: String,
    pub returns: i64,
    pub reroutes: i64,
    pub ping_pong: bool,
}

#[derive(Template)]
#[template(path = "analitik.html")]
struct DashboardPage {
    frame: Frame,
    period: String,
    dari: NaiveDate,
    sampai: NaiveDate,
    groupings: Vec<Choice>,
    metrics: Vec<Choice>,
    buckets: Vec<Choice>,
    categories: Vec<Choice>,
    kecamatan: Vec<Choice>,
    agencies: Vec<Choice>,
    trend: TrendSection,
    backlog: BarSection,
    sla: BarSection,
    /// (clock, "87,5%" of the ended clocks met)
    sla_shares: Vec<(String, String)>,
    hotspots: BarSection,
    repeated: Vec<String>,
    repeated_files: Downloads,
    routing: Vec<Ping>,
    routing_files: Downloads,
    planning_year: i32,
}

/// Everything the dashboard reads, in one transaction.
struct Read {
    trend: TrendsView,
    backlog: backlog::BacklogView,
    sla: sla::SlaView,
    hotspots: hotspots::HotspotsView,
    routing: routing::RoutingView,
    categories: Names,
    kecamatan: Names,
    agencies: Names,
}

fn read_all(
    c: &mut DbConnection,
    jur: &str,
    tz: chrono_tz::Tz,
    a: &Asked,
) -> Result<Read, ServiceError> {
    check_filter(c, jur, &a.question)?;
    Ok(Read {
        trend: trends::trends(c, jur, tz, &a.question)?,
        backlog: backlog::backlog(c, jur, Utc::now())?,
        sla: sla::sla(c, jur, &a.period)?,
        hotspots: hotspots::hotspots(c, jur, &a.period, HOTSPOTS)?,
        routing: routing::routing(c, jur, &a.period)?,
        categories: trends::names(c, jur, GroupBy::Category)?,
        kecamatan: trends::names(c, jur, GroupBy::Region)?,
        agencies: trends::names(c, jur, GroupBy::Agency)?,
    })
}

fn check_filter(c: &mut DbConnection, jur: &str, q: &Question) -> Result<(), ServiceError> {
    match &q.within {
        Some(w) if !trends::known(c, jur, w.dim, &w.code)? => Err(invalid("penyaring")),
        _ => Ok(()),
    }
}

/// `GET /app/analitik`.
pub async fn show(
    state: web::Data<AppState>,
    s: Signed,
    ask: web::Query<Ask>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ReadAnalytics)?;
    let ask = ask.into_inner();
    let asked = ask.understood(&s)?;
    let (jur, tz) = (s.user.jurisdiction_id.clone(), s.user.timezone());
    let q = asked.question.clone();
    let period_of = asked.period;
    let read = state
        .db
        .read(move |c| {
            read_all(
                c,
                &jur,
                tz,
                &Asked {
                    period: period_of,
                    question: q,
                },
            )
        })
        .await?;
    let query = ask.query();
    let q = &asked.question;
    page(&DashboardPage {
        frame: Frame::of(&s, Section::Analytics),
        period: super::format::span(asked.period.from, asked.period.to),
        dari: asked.period.from,
        sampai: asked.period.to,
        groupings: options(GroupBy::ALL, q.group_by, GroupBy::as_str, labels::group_by),
        metrics: options(Metric::ALL, q.metric, Metric::as_str, labels::metric),
        buckets: options(Bucket::ALL, q.bucket, Bucket::as_str, labels::bucket),
        categories: choices(&read.categories, &ask.kategori),
        kecamatan: choices(&read.kecamatan, &ask.kecamatan),
        agencies: choices(&read.agencies, &ask.pd),
        trend: trend_section(&read, q, &query),
        backlog: backlog_section(&read.backlog, &query),
        sla_shares: sla_shares(&read.sla),
        sla: sla_section(&read.sla, &query),
        hotspots: hotspot_section(&read.hotspots, &query),
        repeated: read
            .hotspots
            .repeated
            .iter()
            .map(|r| {
                format!(
                    "{} aduan {} di sekitar {:.3}, {:.3}",
                    r.count,
                    name_of(&read.categories, r.category.as_deref()),
                    r.lat,
                    r.long
                )
            })
            .collect(),
        repeated_files: downloads("berulang", &query),
        routing: pings(&read.routing, &read.agencies),
        routing_files: downloads("rute", &query),
        planning_year: asked.period.to.year(),
    })
}

/// The name of a code (the code itself when unknown; "tanpa kategori" for none).
fn name_of(names: &Names, code: Option<&str>) -> String {
    match code {
        None => "tanpa kategori".into(),
        Some(c) => names
            .values()
            .find(|(k, _)| k == c)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| c.to_string()),
    }
}

/// Every bucket label of the period, in order (empty buckets too).
fn bucket_labels(q: &Question) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut day = q.from;
    while day <= q.to {
        let label = bucket_label(bucket_of_day(day, q.bucket), q.bucket);
        if out.last() != Some(&label) {
            out.push(label);
        }
        day = day.succ_opt().unwrap_or(q.to + chrono::Days::new(1));
    }
    out
}

fn trend_section(read: &Read, q: &Question, query: &str) -> TrendSection {
    let labels_ = bucket_labels(q);
    let at: HashMap<&str, usize> = labels_
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    // Groups by total, biggest first; the first SHOWN drawn, the rest as "Lainnya".
    let mut totals: HashMap<Option<&str>, i64> = HashMap::new();
    for r in &read.trend.rows {
        *totals.entry(r.group.as_deref()).or_default() += r.count;
    }
    let mut order: Vec<(Option<&str>, i64)> = totals.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let none = match q.group_by {
        GroupBy::Category => "Tanpa kategori",
        GroupBy::Region => "Tanpa wilayah",
        GroupBy::Agency => "Belum diteruskan",
    };
    let name = |g: Option<&str>| {
        read.trend
            .rows
            .iter()
            .find(|r| r.group.as_deref() == g)
            .and_then(|r| r.group_name.clone())
            .unwrap_or_else(|| g.map(str::to_string).unwrap_or_else(|| none.to_string()))
    };
    let rest = order.len() > SHOWN + 1;
    let mut series: Vec<Series> = order
        .iter()
        .take(if rest { SHOWN } else { order.len() })
        .map(|(g, _)| Series {
            name: name(*g),
            values: vec![0; labels_.len()],
        })
        .collect();
    if rest {
        series.push(Series {
            name: "Lainnya".into(),
            values: vec![0; labels_.len()],
        });
    }
    let index: HashMap<Option<&str>, usize> = order
        .iter()
        .enumerate()
        .map(|(i, (g, _))| (*g, i.min(series.len() - 1)))
        .collect();
    for r in &read.trend.rows {
        if let (Some(b), Some(s)) = (at.get(r.bucket.as_str()), index.get(&r.group.as_deref())) {
            series[*s].values[*b] += r.count;
        }
    }
    let table = Table {
        head: vec!["Periode", "Kelompok", "Jumlah"],
        rows: read
            .trend
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.bucket.clone(),
                    name(r.group.as_deref()),
                    r.count.to_string(),
                ]
            })
            .collect(),
    };
    let within = q
        .within
        .as_ref()
        .map(|w| {
            let names = match w.dim {
                GroupBy::Category => &read.categories,
                GroupBy::Region => &read.kecamatan,
                GroupBy::Agency => &read.agencies,
            };
            format!(" di {}", name_of(names, Some(&w.code)))
        })
        .unwrap_or_default();
    TrendSection {
        title: format!(
            "{} per {}{within}",
            labels::metric(q.metric),
            labels::group_by(q.group_by).to_lowercase()
        ),
        chart: charts::columns(&labels_, &series, rest),
        table,
        files: downloads("tren", query),
    }
}

fn backlog_section(v: &backlog::BacklogView, query: &str) -> BarSection {
    let mut rows: Vec<(String, Vec<i64>)> = Vec::new();
    for r in &v.rows {
        let label = r
            .agency_name
            .clone()
            .unwrap_or_else(|| "Belum diteruskan".into());
        if rows.last().map(|(l, _)| l) != Some(&label) {
            rows.push((label.clone(), vec![0; AGE_BANDS.len()]));
        }
        if let (Some(last), Some(i)) = (
            rows.last_mut(),
            AGE_BANDS.iter().position(|(b, _)| *b == r.age_band),
        ) {
            last.1[i] += r.count;
        }
    }
    rows.sort_by_key(|(_, v)| std::cmp::Reverse(v.iter().sum::<i64>()));
    let parts: Vec<String> = AGE_BANDS.iter().map(|(b, _)| format!("{b} hari")).collect();
    let (bars, legend) = charts::bars(&rows, &parts);
    BarSection {
        bars,
        legend,
        files: downloads("tunggakan", query),
    }
}

fn clock_words(clock: &str) -> String {
    Clock::parse(clock)
        .map(labels::clock)
        .unwrap_or(clock)
        .to_string()
}

fn sla_totals(v: &sla::SlaView) -> Vec<(String, sla::SlaRow)> {
    let mut out: Vec<(String, sla::SlaRow)> = Vec::new();
    for r in &v.rows {
        if out.last().map(|(c, _)| c) != Some(&r.clock) {
            out.push((r.clock.clone(), sla::SlaRow::default()));
        }
        if let Some((_, t)) = out.last_mut() {
            t.met += r.met;
            t.breached += r.breached;
            t.running += r.running;
            t.paused += r.paused;
        }
    }
    out
}

fn sla_section(v: &sla::SlaView, query: &str) -> BarSection {
    let rows: Vec<(String, Vec<i64>)> = sla_totals(v)
        .into_iter()
        .map(|(c, t)| {
            (
                clock_words(&c),
                vec![t.met, t.breached, t.running, t.paused],
            )
        })
        .collect();
    let parts = ["Tepat waktu", "Terlambat", "Berjalan", "Ditunda"].map(String::from);
    let (bars, legend) = charts::bars(&rows, &parts);
    BarSection {
        bars,
        legend,
        files: downloads("sla", query),
    }
}

fn sla_shares(v: &sla::SlaView) -> Vec<(String, String)> {
    sla_totals(v)
        .into_iter()
        .map(|(c, t)| {
            let share = t
                .met_share()
                .map(|s| format!("{}% tepat waktu", super::format::decimal(100.0 * s)))
                .unwrap_or_else(|| "belum ada yang berakhir".into());
            (clock_words(&c), share)
        })
        .collect()
}

fn hotspot_section(v: &hotspots::HotspotsView, query: &str) -> BarSection {
    let rows: Vec<(String, Vec<i64>)> = v
        .areas
        .iter()
        .map(|a| {
            (
                format!(
                    "{} · {}",
                    a.region_name.as_deref().unwrap_or("Tanpa wilayah"),
                    a.category_name.as_deref().unwrap_or("Tanpa kategori")
                ),
                vec![a.count],
            )
        })
        .collect();
    let (bars, legend) = charts::bars(&rows, &["Aduan".to_string()]);
    BarSection {
        bars,
        legend,
        files: downloads("titik-rawan", query),
    }
}

fn pings(v: &routing::RoutingView, agencies: &Names) -> Vec<Ping> {
    let name = |c: &Option<String>, none: &str| match c {
        None => none.to_string(),
        Some(c) => name_of(agencies, Some(c)),
    };
    v.rows
        .iter()
        .map(|r| Ping {
            from: name(&r.from_agency, "—"),
            to: name(&r.to_agency, "belum diteruskan lagi"),
            returns: r.returns,
            reroutes: r.reroutes,
            ping_pong: r.ping_pong,
        })
        .collect()
}

/// `GET /app/analitik/unduh/{file}`: one of the dashboard's tables as `tren.csv`,
/// `tunggakan.xlsx`, `sla`, `titik-rawan`, `berulang`, `rute`, or `perencanaan` (with `pd` and
/// `tahun`).
pub async fn download(
    state: web::Data<AppState>,
    s: Signed,
    file: web::Path<String>,
    ask: web::Query<Ask>,
    year: web::Query<Year>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ReadAnalytics)?;
    let (table, format) = match file.rsplit_once('.') {
        Some((t, "csv")) => (t.to_string(), Format::Csv),
        Some((t, "xlsx")) => (t.to_string(), Format::Xlsx),
        _ => return Err(ServiceError::not_found("file").into()),
    };
    let ask = ask.into_inner();
    let asked = ask.understood(&s)?;
    let (jur, tz) = (s.user.jurisdiction_id.clone(), s.user.timezone());
    let year = year.or(asked.period.to.year())?;
    let (p, q) = (asked.period, asked.question);
    let agency = ask.pd.trim().to_string();
    let file = state
        .db
        .read(move |c| {
            let (from, to) = (p.from, p.to);
            match table.as_str() {
                "tren" => {
                    check_filter(c, &jur, &q)?;
                    let v = trends::trends(c, &jur, tz, &q)?;
                    file_of(format, &v.file_name(), &v.rows)
                }
                "tunggakan" => {
                    let v = backlog::backlog(c, &jur, Utc::now())?;
                    file_of(format, "backlog", &v.rows)
                }
                "sla" => file_of(
                    format,
                    &format!("sla-{from}-{to}"),
                    &sla::sla(c, &jur, &p)?.rows,
                ),
                "titik-rawan" | "berulang" => {
                    let v = hotspots::hotspots(c, &jur, &p, 200)?;
                    if table == "berulang" {
                        file_of(
                            format,
                            &format!("hotspots-repeated-{from}-{to}"),
                            &v.repeated,
                        )
                    } else {
                        file_of(format, &format!("hotspots-{from}-{to}"), &v.areas)
                    }
                }
                "rute" => {
                    let v = routing::routing(c, &jur, &p)?;
                    file_of(format, &format!("routing-{from}-{to}"), &v.rows)
                }
                "perencanaan" => {
                    let v = planning::planning(c, &jur, tz, &agency, year)?;
                    file_of(format, &v.file_name(), &v.rows)
                }
                _ => Err(ServiceError::not_found("file")),
            }
        })
        .await?;
    file.map(attachment)
        .ok_or_else(|| ServiceError::not_found("file").into())
}

/// The year of a planning table, as the form sends it (empty: this year's).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Year {
    tahun: String,
}

impl Year {
    fn or(&self, default: i32) -> Result<i32, ServiceError> {
        match self.tahun.trim() {
            "" => Ok(default),
            y => y
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| invalid("tahun")),
        }
    }
}

#[derive(Template)]
#[template(path = "perencanaan.html")]
struct PlanningPage {
    frame: Frame,
    agencies: Vec<Choice>,
    year: i32,
    view: Option<planning::PlanningView>,
    files: Option<Downloads>,
}

/// `GET /app/analitik/perencanaan?pd=…&tahun=…`: an agency's planning table for a year.
pub async fn planning_table(
    state: web::Data<AppState>,
    s: Signed,
    ask: web::Query<Ask>,
    year: web::Query<Year>,
) -> Result<HttpResponse, PageError> {
    s.user.require(Permission::ReadAnalytics)?;
    let tz = s.user.timezone();
    let year = year.or(Utc::now().with_timezone(&tz).year())?;
    let agency = ask.pd.trim().to_string();
    let jur = s.user.jurisdiction_id.clone();
    let (agencies, view) = state
        .db
        .read(move |c| {
            let agencies = trends::names(c, &jur, GroupBy::Agency)?;
            let view = match agency.as_str() {
                "" => None,
                a => Some(planning::planning(c, &jur, tz, a, year)?),
            };
            Ok::<_, ServiceError>((agencies, view))
        })
        .await?;
    let files = view.as_ref().map(|v| {
        let q = format!("pd={}&tahun={}", v.agency, v.year);
        downloads("perencanaan", &q)
    });
    page(&PlanningPage {
        frame: Frame::of(&s, Section::Analytics),
        agencies: choices(&agencies, &ask.pd),
        year,
        view,
        files,
    })
}
