//! The proof card a PIC replies with (1080×1080): the complaint as the public may see it (an
//! anonymous one by its category and place only), "sebelum" and "sesudah" side by side when
//! staff published them, the agency, the day it was fixed, how many working days it took, and
//! the tracking code with its public address.

use askama::Template;
use base64::Engine;
use chrono::NaiveDate;

use super::text::width;
use super::{fit, wrap, CardError, FAMILY};
use crate::pages::format;

/// A photo box: the label and the picture as a `data:` address (none: "no photo").
pub struct Photo {
    pub x: u32,
    pub label: &'static str,
    /// The label's chip: its width and colour.
    pub chip: (u32, &'static str),
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "bukti.svg")]
pub struct ProofCard {
    pub family: &'static str,
    pub jurisdiction: String,
    /// The complaint in at most a few lines.
    pub lines: Vec<String>,
    /// "Jalan dan jembatan · Kec. Jalancagak".
    pub about: String,
    pub photos: Vec<Photo>,
    /// Where the facts start (lower when there are photos).
    pub facts_y: u32,
    pub agency: String,
    pub fixed: String,
    pub code: String,
    pub code_width: u32,
    pub address: String,
}

/// The words and pictures of a proof card, before layout.
pub struct ProofFacts<'a> {
    pub jurisdiction: &'a str,
    /// The complaint's public words (masked title), or none for an anonymous complaint.
    pub words: Option<&'a str>,
    pub category: Option<&'a str>,
    pub place: Option<&'a str>,
    pub agency: Option<&'a str>,
    pub fixed_on: NaiveDate,
    pub working_days: i64,
    pub code: &'a str,
    pub address: &'a str,
    /// JPEG bytes of the published "sebelum" and "sesudah" photos.
    pub before: Option<&'a [u8]>,
    pub after: Option<&'a [u8]>,
}

/// A label's chip: the text's width (letter-spaced 2 px) with 14 px each side.
fn chip(label: &str, colour: &'static str) -> (u32, &'static str) {
    let w = width(label, 26.0, true) + 2.0 * label.chars().count() as f32 + 28.0;
    (w as u32, colour)
}

fn data_url(jpeg: &[u8]) -> String {
    format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg)
    )
}

impl ProofCard {
    pub fn of(f: &ProofFacts) -> ProofCard {
        let with_photos = f.before.is_some() || f.after.is_some();
        let about = match (f.category, f.place) {
            (Some(c), Some(p)) => format!("{c} · {p}"),
            (Some(c), None) => c.to_string(),
            (None, Some(p)) => p.to_string(),
            (None, None) => "Aduan warga".to_string(),
        };
        let words = match f.words {
            Some(w) => format!("“{w}”"),
            None => match (f.category, f.place) {
                (Some(c), Some(p)) => format!("Aduan tentang {} di {p}", c.to_lowercase()),
                (Some(c), None) => format!("Aduan tentang {}", c.to_lowercase()),
                _ => "Aduan warga".to_string(),
            },
        };
        let photos = if with_photos {
            vec![
                Photo {
                    x: 60,
                    label: "SEBELUM",
                    chip: chip("SEBELUM", "#8a2b1d"),
                    href: f.before.map(data_url),
                },
                Photo {
                    x: 550,
                    label: "SESUDAH",
                    chip: chip("SESUDAH", "#0d5c3f"),
                    href: f.after.map(data_url),
                },
            ]
        } else {
            Vec::new()
        };
        let days = match f.working_days {
            0 => "pada hari yang sama".to_string(),
            n => format!("dalam {n} hari kerja"),
        };
        let code_size = 44.0;
        ProofCard {
            family: FAMILY,
            jurisdiction: fit(f.jurisdiction, 40.0, true, 960.0),
            lines: wrap(&words, 38.0, false, 960.0, if with_photos { 2 } else { 5 }),
            about: fit(&about, 28.0, false, 960.0),
            facts_y: if with_photos { 800 } else { 520 },
            photos,
            agency: fit(
                &format!("Ditangani {}", f.agency.unwrap_or("perangkat daerah")),
                32.0,
                true,
                960.0,
            ),
            fixed: fit(
                &format!("Selesai {}, {days} sejak aduan", format::day(f.fixed_on)),
                30.0,
                false,
                960.0,
            ),
            code: f.code.to_string(),
            code_width: width(f.code, code_size, true) as u32,
            address: fit(f.address, 26.0, false, 960.0),
        }
    }

    pub fn png(&self) -> Result<Vec<u8>, CardError> {
        let svg = self.render().map_err(|e| CardError::Png(e.to_string()))?;
        super::png(&svg)
    }
}
