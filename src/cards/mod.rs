//! Cards: the pictures aduan makes to be posted — the regent's recap card (`recap`) and a fixed
//! complaint's proof card (`proof`). Each is an SVG written from a template and drawn to PNG
//! here in the binary by resvg, with the DejaVu Sans Condensed faces embedded (`fonts/`), so
//! that a card is the same picture on every machine; no browser, no system font.

pub mod proof;
pub mod recap;
pub mod text;

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

pub use text::{fit, wrap};

const REGULAR: &[u8] = include_bytes!("fonts/DejaVuSansCondensed.ttf");
const BOLD: &[u8] = include_bytes!("fonts/DejaVuSansCondensed-Bold.ttf");
/// The family the templates name (the condensed faces are the only ones loaded, so they are
/// the ones drawn).
pub const FAMILY: &str = "DejaVu Sans";

/// A card that could not be drawn (a defect of ours: the SVG is our own).
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error("card SVG: {0}")]
    Svg(#[from] usvg::Error),
    #[error("card of zero size")]
    Size,
    #[error("card PNG: {0}")]
    Png(String),
}

fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(REGULAR.to_vec());
            db.load_font_data(BOLD.to_vec());
            db.set_sans_serif_family(FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// `svg` without the characters XML forbids (control characters other than tab and line
/// breaks), which a name stored before aduan refused them could hold.
fn xml_chars(svg: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if svg.contains(bad) {
        svg.replace(bad, "").into()
    } else {
        svg.into()
    }
}

/// Draws `svg` to PNG at its own size. Only fonts embedded here and images inlined as `data:`
/// addresses are used; a reference to a file or another address is ignored.
pub fn png(svg: &str) -> Result<Vec<u8>, CardError> {
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: FAMILY.to_string(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_string: Box::new(|_, _| None),
            ..Default::default()
        },
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(&xml_chars(svg), &options)?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or(CardError::Size)?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| CardError::Png(e.to_string()))
}

impl From<CardError> for crate::error::ServiceError {
    fn from(e: CardError) -> Self {
        crate::error::ServiceError::internal(e)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_control_character_in_a_stored_name_does_not_stop_a_card() {
        let svg = "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'>\
                   <text y='8'>Dinas\u{3}PU</text></svg>";
        let png = super::png(svg).expect("drawn");
        assert!(png.starts_with(b"\x89PNG"));
    }
}
