//! Card rendering benchmark: prints figures, asserts nothing.
//!
//! Times, in one run, the recap card (1080×1350: two boards of five, two winners, the address)
//! and the proof card (1080×1080 with two published 640-px photos, and without photos), from
//! figures to PNG bytes — SVG written by the template, drawn by resvg, encoded — each beside
//! its anchor: the cost of the PNG alone, a blank canvas of the same size encoded the same
//! way, which no card can go under.
//!
//! `ADUAN_BENCH_RUNS` (renders per figure, 30). `cargo bench --bench cards`

use std::time::Instant;

use aduan::cards::proof::{ProofCard, ProofFacts};
use aduan::cards::recap::RecapCard;
use aduan::domain::recap::Board;
use aduan::service::recap::{Leaderboard, Placed, RecapLine};
use resvg::tiny_skia;

fn line(key: &str, name: &str, score: f64) -> RecapLine {
    serde_json::from_value(serde_json::json!({
        "key": key, "name": name, "agency": null, "filed": 3, "received": 3, "returned": 0,
        "resolved": 2, "closed_with_reply": 1, "median_first_reply_minutes": null,
        "clocks_met": 2, "clocks_breached": 1, "reopens": 0, "patrols_done": 20,
        "patrols_expected": 30, "reposts": 4, "content": 1, "response": 0.5,
        "completion": 0.66, "clocks": 0.66, "patrols": 0.66, "activity": 0.3,
        "score": score, "rank": 1
    }))
    .expect("a line")
}

fn boards() -> Vec<Leaderboard> {
    Board::ALL
        .into_iter()
        .map(|board| Leaderboard {
            board,
            agencies: (0..12)
                .map(|i| Placed {
                    rank: i + 1,
                    agency_name: None,
                    line: line(
                        &format!("a{i}"),
                        &format!("Dinas Pelayanan Nomor {i}"),
                        90.0 - i as f64,
                    ),
                })
                .collect(),
            pics: vec![],
        })
        .collect()
}

/// p50 and p99 of `runs` calls of `f`, in ms.
fn time(runs: usize, mut f: impl FnMut() -> usize) -> (f64, f64, usize) {
    let mut lat = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        size = f();
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(f64::total_cmp);
    let at = |q: f64| lat[((lat.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99), size)
}

fn blank(w: u32, h: u32) -> usize {
    let mut p = tiny_skia::Pixmap::new(w, h).unwrap();
    p.fill(tiny_skia::Color::from_rgba8(246, 247, 242, 255));
    p.encode_png().unwrap().len()
}

fn main() {
    let runs: usize = std::env::var("ADUAN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let b = boards();
    let recap = RecapCard::of_parts(
        "Kabupaten Subang",
        ("2026-11-16".parse().unwrap(), "2026-11-29".parse().unwrap()),
        &b,
        |_| Some(("Ibu Ratna Sari Dewi".into(), Some("Dinas Kesehatan".into()))),
        "Skor 0–100 · dibekukan Senin, 30 November 2026".into(),
        Some("https://aduan.subang.go.id/rekap/0193a0b2-7c1d-7e55-9f00-1234567890ab".into()),
    );
    let dir = env!("CARGO_MANIFEST_DIR");
    let photo = |name: &str| {
        let bytes = std::fs::read(format!("{dir}/tests/fixtures/{name}")).unwrap();
        aduan::files::thumbnail::rendition_of_bytes(&bytes, 640, 78).unwrap()
    };
    let (before, after) = (photo("visit-gps.jpg"), photo("plain.png"));
    let facts = |with: bool| ProofFacts {
        jurisdiction: "Kabupaten Subang",
        words: Some("Jalan berlubang besar di depan Pasar Jalancagak, mohon segera diperbaiki"),
        category: Some("Jalan dan jembatan"),
        place: Some("Jalancagak"),
        agency: Some("Dinas Pekerjaan Umum dan Penataan Ruang"),
        fixed_on: "2026-11-26".parse().unwrap(),
        working_days: 3,
        code: "SBG-26-000123",
        address: "https://aduan.subang.go.id/lacak/SBG-26-000123",
        before: with.then_some(before.as_slice()),
        after: with.then_some(after.as_slice()),
    };
    println!("card rendering, {runs} renders each (p50 / p99 ms, PNG bytes)");
    let rows = [
        (
            "recap card 1080×1350",
            time(runs, || recap.png().unwrap().len()),
        ),
        (
            "  anchor: blank 1080×1350 PNG",
            time(runs, || blank(1080, 1350)),
        ),
        (
            "proof card 1080×1080, two photos",
            time(runs, || ProofCard::of(&facts(true)).png().unwrap().len()),
        ),
        (
            "proof card 1080×1080, no photo",
            time(runs, || ProofCard::of(&facts(false)).png().unwrap().len()),
        ),
        (
            "  anchor: blank 1080×1080 PNG",
            time(runs, || blank(1080, 1080)),
        ),
    ];
    for (name, (p50, p99, size)) in rows {
        println!("{name:<36} {p50:>8.1} {p99:>8.1} {size:>9}");
    }
}
