//! Fitting words into a card: SVG does not wrap, so lines are measured with the embedded
//! font's advances (ttf-parser) and shortened with "…" or broken between words.

use std::sync::OnceLock;

use ttf_parser::Face;

fn face(bold: bool) -> Option<&'static Face<'static>> {
    static REGULAR: OnceLock<Option<Face<'static>>> = OnceLock::new();
    static BOLD: OnceLock<Option<Face<'static>>> = OnceLock::new();
    let (cell, data) = if bold {
        (&BOLD, super::BOLD)
    } else {
        (&REGULAR, super::REGULAR)
    };
    cell.get_or_init(|| Face::parse(data, 0).ok()).as_ref()
}

/// The width of `text` at `size` pixels (kerning left out: a little wide, never narrow).
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    let Some(f) = face(bold) else {
        return text.chars().count() as f32 * size * 0.6;
    };
    let units: u32 = text
        .chars()
        .map(|c| {
            f.glyph_index(c)
                .and_then(|g| f.glyph_hor_advance(g))
                .unwrap_or(f.units_per_em() / 2) as u32
        })
        .sum();
    units as f32 * size / f.units_per_em() as f32
}

/// `text` as it fits in `max` pixels: whole, or cut with "…".
pub fn fit(text: &str, size: f32, bold: bool, max: f32) -> String {
    let text = text.trim();
    if width(text, size, bold) <= max {
        return text.to_string();
    }
    let mut out: String = text.to_string();
    while !out.is_empty() && width(&format!("{out}…"), size, bold) > max {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// `text` broken between words into at most `lines` lines of `max` pixels, the last cut with
/// "…" when the words do not fit.
pub fn wrap(text: &str, size: f32, bold: bool, max: f32, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut words = text.split_whitespace();
    while let Some(w) = words.next() {
        let joined = out.last().map(|line| format!("{line} {w}"));
        match joined {
            Some(j) if width(&j, size, bold) <= max => {
                if let Some(line) = out.last_mut() {
                    *line = j;
                }
            }
            Some(j) if out.len() == lines => {
                let rest: Vec<&str> = words.by_ref().collect();
                let last = out.len() - 1;
                out[last] = fit(&format!("{j} {}", rest.join(" ")), size, bold, max);
                break;
            }
            _ => out.push(fit(w, size, bold, max)),
        }
    }
    if out.len() > lines {
        out.truncate(lines);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_with_the_embedded_font() {
        let narrow = width("iiii", 32.0, false);
        let wide = width("WWWW", 32.0, false);
        assert!(narrow > 0.0 && wide > 2.0 * narrow, "{narrow} {wide}");
        assert!(width("Dinas", 32.0, true) > width("Dinas", 32.0, false));
    }

    #[test]
    fn fits_or_cuts_with_an_ellipsis() {
        assert_eq!(fit("Dinas PUPR", 32.0, false, 1000.0), "Dinas PUPR");
        let long = "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Subang";
        let cut = fit(long, 32.0, false, 300.0);
        assert!(cut.ends_with('…') && cut.len() < long.len(), "{cut}");
        assert!(width(&cut, 32.0, false) <= 300.0);
    }

    #[test]
    fn wraps_between_words_and_cuts_the_last_line() {
        let long = "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Subang";
        let two = wrap(long, 32.0, false, 300.0, 2);
        assert_eq!(two.len(), 2);
        assert!(two[0].starts_with("Dinas"));
        assert!(two[1].ends_with('…'), "{two:?}");
        for l in &two {
            assert!(width(l, 32.0, false) <= 300.0, "{l}");
        }
        assert_eq!(
            wrap("Jalan rusak", 32.0, false, 600.0, 2),
            vec!["Jalan rusak"]
        );
    }
}
