//! The cards as pictures: drawn from fixed figures, decoded, and compared with the committed
//! golden images (`tests/fixtures/cards/`) within a small tolerance. Set
//! `ADUAN_UPDATE_GOLDENS=1` to write them anew after a deliberate change, then look at them.
//! The cases are the hard ones: long agency names, a tie, an empty board, a preview.

use aduan::cards::proof::{ProofCard, ProofFacts};
use aduan::cards::recap::{caption, RecapCard};
use aduan::domain::recap::Board;
use aduan::service::recap::{Leaderboard, Placed, RecapLine};
use chrono::NaiveDate;

fn line(key: &str, name: &str, agency: Option<&str>, score: f64) -> RecapLine {
    serde_json::from_value(serde_json::json!({
        "key": key, "name": name, "agency": agency, "filed": 3, "received": 3, "returned": 0,
        "resolved": 2, "closed_with_reply": 1, "median_first_reply_minutes": null,
        "clocks_met": 2, "clocks_breached": 1, "reopens": 0, "patrols_done": 20,
        "patrols_expected": 30, "reposts": 4, "content": 1, "response": 0.5,
        "completion": 0.66, "clocks": 0.66, "patrols": 0.66, "activity": 0.3,
        "score": score, "rank": 1
    }))
    .expect("a recap line")
}

fn placed(rank: u32, l: RecapLine, agency: Option<&str>) -> Placed {
    Placed {
        rank,
        agency_name: agency.map(str::to_string),
        line: l,
    }
}

/// Six perangkat daerah (two tied at the top, one with a very long name) and an empty
/// kecamatan board.
fn boards() -> Vec<Leaderboard> {
    let opd = [
        (1, "dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", 91.25),
        (1, "dinkes", "Dinas Kesehatan", 91.25),
        (
            3,
            "disdukcapil",
            "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Subang yang Namanya Panjang Sekali",
            78.4,
        ),
        (4, "dishub", "Dinas Perhubungan", 66.0),
        (5, "dlh", "Dinas Lingkungan Hidup", 52.5),
        (6, "bpbd", "Badan Penanggulangan Bencana Daerah", 40.0),
    ];
    vec![
        Leaderboard {
            board: Board::Opd,
            agencies: opd
                .iter()
                .map(|(r, k, n, s)| placed(*r, line(k, n, None, *s), None))
                .collect(),
            pics: vec![placed(
                1,
                line("pic.pupr", "Ibu Ratna Sari Dewi", Some("dpupr"), 95.0),
                Some("Dinas Pekerjaan Umum dan Penataan Ruang"),
            )],
        },
        Leaderboard {
            board: Board::Kecamatan,
            agencies: vec![],
            pics: vec![],
        },
    ]
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Compares `png` with the golden `name`: same size, and the pixels differ on average by less
/// than 1/255 per channel, with under 0.5 % of them visibly different.
fn golden(name: &str, png: &[u8]) {
    let path = format!(
        "{}/tests/fixtures/cards/{name}.png",
        env!("CARGO_MANIFEST_DIR")
    );
    let got = image::load_from_memory(png).expect("a PNG").to_rgba8();
    if std::env::var_os("ADUAN_UPDATE_GOLDENS").is_some() {
        std::fs::write(&path, png).unwrap();
        return;
    }
    let want = image::open(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (ADUAN_UPDATE_GOLDENS=1 writes it)"))
        .to_rgba8();
    assert_eq!(got.dimensions(), want.dimensions(), "{name}");
    let (mut sum, mut visible) = (0u64, 0u64);
    for (a, b) in got.pixels().zip(want.pixels()) {
        let d: u64 =
            a.0.iter()
                .zip(b.0.iter())
                .map(|(x, y)| x.abs_diff(*y) as u64)
                .sum();
        sum += d;
        if d > 96 {
            visible += 1;
        }
    }
    let pixels = (got.width() * got.height()) as u64;
    let mean = sum as f64 / (pixels * 4) as f64;
    assert!(mean < 1.0, "{name}: mean difference {mean}");
    assert!(
        visible * 200 < pixels,
        "{name}: {visible} pixels differ visibly"
    );
}

#[test]
fn a_recap_card_with_a_tie_a_long_name_and_an_empty_board() {
    let b = boards();
    let card = RecapCard::of_parts(
        "Kabupaten Subang",
        (day("2026-11-16"), day("2026-11-29")),
        &b,
        |board| match board {
            Board::Opd => Some((
                "Ibu Ratna Sari Dewi".into(),
                Some("Dinas Pekerjaan Umum dan Penataan Ruang".into()),
            )),
            Board::Kecamatan => None,
        },
        "Skor 0–100 · dibekukan Senin, 30 November 2026".into(),
        Some("https://aduan.subang.go.id/rekap/0193a0b2-7c1d-7e55-9f00-1234567890ab".into()),
    );
    let png = card.png().expect("drawn");
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!((img.width(), img.height()), (1080, 1350));
    // Only the top five of a board are drawn; a tie shares the first place.
    assert_eq!(card.boards[0].lines.len(), 5);
    assert_eq!(
        card.boards[0]
            .lines
            .iter()
            .map(|l| l.rank)
            .collect::<Vec<_>>(),
        vec![1, 1, 3, 4, 5]
    );
    assert!(card.boards[0].lines[2].name.ends_with('…'));
    assert!(card.boards[1].empty && card.boards[1].lines.is_empty());
    golden("recap-frozen", &png);
}

#[test]
fn a_preview_card_says_it_is_a_preview() {
    let b = boards();
    let card = RecapCard::preview("Kabupaten Subang", day("2026-11-30"), day("2026-12-13"), &b);
    assert!(card.preview && card.address.is_none());
    assert!(card.boards.iter().all(|b| b.winner.is_none()));
    golden("recap-preview", &card.png().expect("drawn"));
}

#[test]
fn the_caption_names_the_period_the_top_and_the_winners() {
    let b = boards();
    let text = caption(
        "Kabupaten Subang",
        (day("2026-11-30"), day("2026-12-13")),
        &b,
        |board| (board == Board::Opd).then(|| ("Ibu Ratna Sari Dewi".to_string(), None)),
        Some("https://aduan.subang.go.id/rekap/x"),
    );
    assert!(text.starts_with(
        "Rekap dua mingguan penanganan aduan media sosial Kabupaten Subang, 30 November – 13 Desember 2026."
    ), "{text}");
    assert!(
        text.contains("1. Dinas Pekerjaan Umum dan Penataan Ruang — 91,3"),
        "{text}"
    );
    assert!(text.contains("1. Dinas Kesehatan — 91,3"), "{text}");
    assert!(
        !text.contains("Badan Penanggulangan Bencana"),
        "only the top five: {text}"
    );
    assert!(text.contains("Kecamatan dengan skor tertinggi:\n(belum ada data pada periode ini)"));
    assert!(
        text.contains("Selamat kepada PIC terbaik perangkat daerah: Ibu Ratna Sari Dewi."),
        "{text}"
    );
    assert!(text.ends_with("Rincian lengkap: https://aduan.subang.go.id/rekap/x\n"));
}

fn photo(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    // As published: upright, re-encoded, no EXIF.
    aduan::files::thumbnail::rendition_of_bytes(&bytes, 640, 78).expect("a photo")
}

fn proof_facts<'a>(
    words: Option<&'a str>,
    before: Option<&'a [u8]>,
    after: Option<&'a [u8]>,
) -> ProofFacts<'a> {
    ProofFacts {
        jurisdiction: "Kabupaten Subang",
        words,
        category: Some("Jalan dan jembatan"),
        place: Some("Jalancagak"),
        agency: Some("Dinas Pekerjaan Umum dan Penataan Ruang"),
        fixed_on: day("2026-11-26"),
        working_days: 3,
        code: "SBG-26-000123",
        address: "https://aduan.subang.go.id/lacak/SBG-26-000123",
        before,
        after,
    }
}

#[test]
fn a_proof_card_with_before_and_after() {
    let (before, after) = (photo("visit-gps.jpg"), photo("plain.png"));
    let card = ProofCard::of(&proof_facts(
        Some("Jalan berlubang besar di depan Pasar Jalancagak, sudah tiga minggu, mohon segera diperbaiki karena membahayakan pengendara motor di malam hari"),
        Some(&before),
        Some(&after),
    ));
    assert_eq!(card.lines.len(), 2);
    assert!(card.lines[1].ends_with('…'), "{:?}", card.lines);
    let png = card.png().expect("drawn");
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!((img.width(), img.height()), (1080, 1080));
    golden("proof-photos", &png);
}

#[test]
fn an_anonymous_proof_card_shows_only_category_and_place() {
    let after = photo("plain.png");
    let card = ProofCard::of(&proof_facts(None, None, Some(&after)));
    assert_eq!(
        card.lines,
        vec!["Aduan tentang jalan dan jembatan di Jalancagak"]
    );
    assert!(card.photos[0].href.is_none() && card.photos[1].href.is_some());
    golden("proof-anonymous", &card.png().expect("drawn"));
}

#[test]
fn a_proof_card_without_published_photos_has_no_photo_boxes() {
    let card = ProofCard::of(&proof_facts(Some("Lampu jalan mati"), None, None));
    assert!(card.photos.is_empty());
    let svg = askama::Template::render(&card).unwrap();
    assert!(!svg.contains("<image"));
    golden("proof-no-photos", &card.png().expect("drawn"));
}
