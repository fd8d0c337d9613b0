//! The dashboard's sections in words and charts, from what it read.

use std::collections::HashMap;

use super::{downloads, Downloads, Read, SHOWN};
use crate::domain::analytics::{bucket_label, bucket_of_day, GroupBy, AGE_BANDS};
use crate::domain::sla::Clock;
use crate::pages::charts::{self, Bar, Columns, Key, Series};
use crate::pages::labels;
use crate::service::analytics::trends::Question;
use crate::service::analytics::{backlog, by_code, hotspots, routing, sla, Names};

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

/// The name of a code (the code itself when unknown; "tanpa kategori" for none).
pub(super) fn name_of(names: &Names, code: Option<&str>) -> String {
    match code {
        None => "tanpa kategori".into(),
        Some(c) => by_code(names).get(c).unwrap_or(&c).to_string(),
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

pub(super) fn trend_section(read: &Read, q: &Question, query: &str) -> TrendSection {
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

pub(super) fn backlog_section(v: &backlog::BacklogView, query: &str) -> BarSection {
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

pub(super) fn sla_section(v: &sla::SlaView, query: &str) -> BarSection {
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

pub(super) fn sla_shares(v: &sla::SlaView) -> Vec<(String, String)> {
    sla_totals(v)
        .into_iter()
        .map(|(c, t)| {
            let share = t
                .met_share()
                .map(|s| format!("{}% tepat waktu", crate::pages::format::decimal(100.0 * s)))
                .unwrap_or_else(|| "belum ada yang berakhir".into());
            (clock_words(&c), share)
        })
        .collect()
}

pub(super) fn hotspot_section(v: &hotspots::HotspotsView, query: &str) -> BarSection {
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

pub(super) fn pings(v: &routing::RoutingView, agencies: &Names) -> Vec<Ping> {
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
