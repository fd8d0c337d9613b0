//! The recap card the regent posts (1080×1350, Instagram's portrait size) and its caption: the
//! jurisdiction, the period, the top five of each prize board with their scores, the winners
//! and the public address of the recap's page.

use askama::Template;
use chrono::NaiveDate;

use super::{fit, text::width, CardError, FAMILY};
use crate::domain::recap::Board;
use crate::pages::format;
use crate::service::recap::{Leaderboard, Shown};

/// How many lines of each board the card shows.
pub const TOP: usize = 5;
const WIDTH: f32 = 1080.0;

/// One line on the card, placed.
pub struct Line {
    pub y: u32,
    pub rank: u32,
    pub name: String,
    pub score: String,
}

pub struct BoardCard {
    pub y: u32,
    pub title: &'static str,
    pub lines: Vec<Line>,
    /// "★ PIC terbaik: Nama", fitted, and the PIC's agency placed after it when it fits.
    pub winner: Option<Winner>,
    pub empty: bool,
}

pub struct Winner {
    pub name: String,
    /// The agency's name and where it starts.
    pub agency: Option<(u32, String)>,
}

impl Winner {
    fn of(w: &(String, Option<String>)) -> Winner {
        let (size, left, right) = (30.0, 100.0, WIDTH - 100.0);
        let name = fit(&format!("★ PIC terbaik: {}", w.0), size, true, right - left);
        let x = left + width(&name, size, true) + 14.0;
        let agency =
            w.1.as_ref()
                .filter(|_| right - x > 120.0)
                .map(|a| (x as u32, fit(a, size, false, right - x)));
        Winner { name, agency }
    }
}

/// What a recap card says, before it is drawn.
#[derive(Template)]
#[template(path = "rekap.svg")]
pub struct RecapCard {
    pub family: &'static str,
    pub jurisdiction: String,
    pub period: String,
    pub boards: Vec<BoardCard>,
    /// "Dibekukan …" or "PRATINJAU · angka sementara".
    pub status: String,
    pub address: Option<String>,
    pub preview: bool,
}

/// A score as Indonesians write it: "87,5".
pub fn score(v: f64) -> String {
    crate::pages::format::decimal(v)
}

fn board_title(b: Board) -> &'static str {
    match b {
        Board::Opd => "Perangkat Daerah",
        Board::Kecamatan => "Kecamatan",
    }
}

/// The winner of a board in words: "Nama — Dinas X" or "Nama".
fn winner_words(w: &(String, Option<String>)) -> String {
    match &w.1 {
        Some(agency) => format!("{} — {agency}", w.0),
        None => w.0.clone(),
    }
}

/// The period in words: "16 – 29 November 2026".
pub fn period(from: NaiveDate, to: NaiveDate) -> String {
    format::span(from, to)
}

impl RecapCard {
    /// The card of a frozen recap (`address`: where its public page is, when published).
    pub fn frozen(s: &Shown, address: Option<String>) -> RecapCard {
        let frozen_on = s.row.created_at.date();
        RecapCard::of_parts(
            &s.jurisdiction,
            (s.row.from_day, s.row.to_day),
            &s.boards,
            |b| s.winner(b),
            format!("Skor 0–100 · dibekukan {}", format::day(frozen_on)),
            address,
        )
    }

    /// The card of the fortnight as it stands (no winners, no address).
    pub fn preview(
        jurisdiction: &str,
        from: NaiveDate,
        to: NaiveDate,
        boards: &[Leaderboard],
    ) -> RecapCard {
        RecapCard::of(
            jurisdiction,
            (from, to),
            boards,
            |_| None,
            "PRATINJAU · skor 0–100, angka sementara, belum dibekukan".to_string(),
            None,
            true,
        )
    }

    /// The card of a frozen recap from its parts: the winner of each board (the PIC's name and
    /// agency), the status line and the address.
    pub fn of_parts(
        jurisdiction: &str,
        period: (NaiveDate, NaiveDate),
        boards: &[Leaderboard],
        winner: impl Fn(Board) -> Option<(String, Option<String>)>,
        status: String,
        address: Option<String>,
    ) -> RecapCard {
        RecapCard::of(jurisdiction, period, boards, winner, status, address, false)
    }

    fn of(
        jurisdiction: &str,
        (from, to): (NaiveDate, NaiveDate),
        boards: &[Leaderboard],
        winner: impl Fn(Board) -> Option<(String, Option<String>)>,
        status: String,
        address: Option<String>,
        preview: bool,
    ) -> RecapCard {
        let boards = boards
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let top = 330 + i as u32 * 480;
                BoardCard {
                    y: top,
                    title: board_title(b.board),
                    lines: b
                        .agencies
                        .iter()
                        .take(TOP)
                        .enumerate()
                        .map(|(n, p)| Line {
                            y: top + 96 + n as u32 * 64,
                            rank: p.rank,
                            name: fit(&p.line.name, 34.0, false, 720.0),
                            score: score(p.line.score),
                        })
                        .collect(),
                    winner: winner(b.board).map(|w| Winner::of(&w)),
                    empty: b.agencies.is_empty(),
                }
            })
            .collect();
        RecapCard {
            family: FAMILY,
            jurisdiction: fit(jurisdiction, 60.0, true, WIDTH - 160.0),
            period: period(from, to),
            boards,
            status: fit(&status, 24.0, false, WIDTH - 160.0),
            address: address.map(|a| fit(&a, 28.0, true, WIDTH - 160.0)),
            preview,
        }
    }

    /// The card as PNG.
    pub fn png(&self) -> Result<Vec<u8>, CardError> {
        let svg = self.render().map_err(|e| CardError::Png(e.to_string()))?;
        super::png(&svg)
    }
}

/// The caption that goes with the card: the period, the top of each board, the winners, what
/// the score rewards, and the address.
pub fn caption(
    jurisdiction: &str,
    (from, to): (NaiveDate, NaiveDate),
    boards: &[Leaderboard],
    winner: impl Fn(Board) -> Option<(String, Option<String>)>,
    address: Option<&str>,
) -> String {
    let mut out = format!(
        "Rekap dua mingguan penanganan aduan media sosial {jurisdiction}, {}.\n",
        period(from, to)
    );
    for b in boards {
        out.push_str(&format!(
            "\n{} dengan skor tertinggi:\n",
            board_title(b.board)
        ));
        if b.agencies.is_empty() {
            out.push_str("(belum ada data pada periode ini)\n");
        }
        for p in b.agencies.iter().take(TOP) {
            out.push_str(&format!(
                "{}. {} — {}\n",
                p.rank,
                p.line.name,
                score(p.line.score)
            ));
        }
    }
    let winners: Vec<String> = Board::ALL
        .into_iter()
        .filter_map(|b| {
            winner(b).map(|w| {
                format!(
                    "PIC terbaik {}: {}",
                    board_title(b).to_lowercase(),
                    winner_words(&w)
                )
            })
        })
        .collect();
    if !winners.is_empty() {
        out.push_str(&format!("\nSelamat kepada {}.\n", winners.join("; ")));
    }
    out.push_str(
        "\nSkor menilai balasan tepat waktu, penyelesaian aduan, tenggat yang terpenuhi, \
         patroli dan unggahan — bukan banyaknya aduan.\n",
    );
    if let Some(a) = address {
        out.push_str(&format!("Rincian lengkap: {a}\n"));
    }
    out
}

/// The caption of a frozen recap.
pub fn frozen_caption(s: &Shown, address: Option<&str>) -> String {
    caption(
        &s.jurisdiction,
        (s.row.from_day, s.row.to_day),
        &s.boards,
        |b| s.winner(b),
        address,
    )
}
