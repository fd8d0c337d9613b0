//! `/app/analitik`: the planners' dashboard (planner, leader, coordinator, admin) — trends over
//! time by category, kecamatan or agency, optionally within one value of another; the backlog by
//! age and agency; SLA compliance; hotspots; routing ping-pong — each drawn on the server as SVG
//! (`charts`) with its numbers in a table and its CSV/XLSX download; and the "bahan
//! perencanaan" table of an agency's year. Reads what the analytics API reads
//! (`service::analytics`).

mod files;
mod planning_page;
mod sections;

use sections::{
    backlog_section, hotspot_section, name_of, pings, sla_section, sla_shares, trend_section,
    BarSection, Ping, TrendSection,
};

use std::collections::BTreeSet;

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use crate::db::DbConnection;
use crate::domain::analytics::{Bucket, GroupBy, Metric};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::pages::frame::{Frame, Section};
use crate::pages::labels;
use crate::pages::render::{page, PageError};
use crate::pages::session::{Signed, ROOT};
use crate::service::analytics::trends::{self, Question, TrendsView, Within};
use crate::service::analytics::{backlog, hotspots, period, routing, sla, Names, Period};
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
#[derive(Clone)]
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

/// Everything the dashboard reads.
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

/// Read on one connection (one transaction).
struct Flows {
    trend: TrendsView,
    backlog: backlog::BacklogView,
}

/// Read on another connection at the same time.
struct Standing {
    sla: sla::SlaView,
    hotspots: hotspots::HotspotsView,
    categories: Names,
    kecamatan: Names,
    agencies: Names,
}

/// The questions in three parts of about the same cost, read on three connections at once:
/// each chart is its own report, so they need not share one snapshot, and the page waits for
/// the slowest part instead of the sum.
async fn read_all(
    state: &AppState,
    jur: &str,
    tz: chrono_tz::Tz,
    a: &Asked,
) -> Result<Read, ServiceError> {
    let (j, q) = (jur.to_string(), a.question.clone());
    let flows = state.db.read_lagging(move |c| {
        Ok::<_, ServiceError>(Flows {
            trend: trend_of(c, &j, tz, &q)?,
            backlog: backlog::backlog(c, &j, tz, Utc::now())?,
        })
    });
    let (j, p) = (jur.to_string(), a.period);
    let moves = state
        .db
        .read_lagging(move |c| routing::routing(c, &j, tz, &p).map_err(ServiceError::from));
    let (j, p) = (jur.to_string(), a.period);
    let standing = state.db.read_lagging(move |c| {
        Ok::<_, ServiceError>(Standing {
            sla: sla::sla(c, &j, tz, &p)?,
            hotspots: hotspots::hotspots(c, &j, tz, &p, HOTSPOTS)?,
            categories: trends::names(c, &j, GroupBy::Category)?,
            kecamatan: trends::names(c, &j, GroupBy::Region)?,
            agencies: trends::names(c, &j, GroupBy::Agency)?,
        })
    });
    let (f, routing, s) = futures_util::future::try_join3(flows, moves, standing).await?;
    Ok(Read {
        trend: f.trend,
        backlog: f.backlog,
        routing,
        sla: s.sla,
        hotspots: s.hotspots,
        categories: s.categories,
        kecamatan: s.kecamatan,
        agencies: s.agencies,
    })
}

/// The trend asked, an unknown filter code being the filter field's error.
fn trend_of(
    c: &mut DbConnection,
    jur: &str,
    tz: chrono_tz::Tz,
    q: &Question,
) -> Result<TrendsView, ServiceError> {
    trends::trends(c, jur, tz, q).map_err(|e| match e {
        ServiceError::BadRequest { .. } => invalid("penyaring"),
        e => e,
    })
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
    let read = read_all(&state, &jur, tz, &asked).await?;
    let query = ask.query();
    let q = &asked.question;
    page(&DashboardPage {
        frame: Frame::of(&s, Section::Analytics),
        period: crate::pages::format::span(asked.period.from, asked.period.to),
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

pub use files::download;
pub use planning_page::planning_table;
