//! A small preview of a photo for galleries on slow connections: at most [`EDGE`] pixels on its
//! longer side, turned upright as the camera's EXIF orientation says, as a JPEG. Made once when
//! the photo is accepted and kept as a blob of its own. A photo that cannot be decoded here
//! (HEIC, a damaged file, one larger than the limits) simply has no preview.

use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use sha2::{Digest, Sha256};

use super::store::BlobStore;

/// The longer side of a preview, in pixels (twice a phone gallery's tile, for sharp screens).
pub const EDGE: u32 = 320;

/// Larger pictures are not decoded for a preview (a decompression bomb costs nothing then).
const MAX_SIDE: u32 = 16_000;
const MAX_DECODE_BYTES: u64 = 512 << 20;

/// The preview of the image at `path` as JPEG bytes, or `None` when it cannot be made.
pub fn make(path: &Path) -> Option<Vec<u8>> {
    rendition(path, EDGE, 72)
}

/// The image at `path` upright, at most `edge` pixels on its longer side, re-encoded as a JPEG
/// of `quality` — pixels only: no EXIF or other metadata is carried over.
pub fn rendition(path: &Path, edge: u32, quality: u8) -> Option<Vec<u8>> {
    rendition_of(ImageReader::open(path).ok()?, edge, quality)
}

/// The same for an image held in memory.
pub fn rendition_of_bytes(bytes: &[u8], edge: u32, quality: u8) -> Option<Vec<u8>> {
    rendition_of(ImageReader::new(std::io::Cursor::new(bytes)), edge, quality)
}

fn rendition_of<R: std::io::BufRead + std::io::Seek>(
    reader: ImageReader<R>,
    edge: u32,
    quality: u8,
) -> Option<Vec<u8>> {
    let mut reader = reader.with_guessed_format().ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok()?;
    let mut picture = DynamicImage::from_decoder(decoder).ok()?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > edge {
        picture = picture.thumbnail(edge, edge);
    }
    let small = picture.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

/// Makes the preview of the image at `path` and keeps it in `blobs`; gives its SHA-256.
pub fn store(path: &Path, blobs: &dyn BlobStore) -> Option<String> {
    keep(&make(path)?, blobs)
}

/// Keeps `bytes` in `blobs` under their SHA-256, which it gives.
pub fn keep(bytes: &[u8], blobs: &dyn BlobStore) -> Option<String> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let staged = blobs
        .staging_dir()
        .join(format!("{}.preview", uuid::Uuid::now_v7()));
    let kept = std::fs::write(&staged, bytes).and_then(|_| blobs.put(&sha256, &staged));
    if let Err(e) = kept {
        let _ = std::fs::remove_file(&staged);
        tracing::warn!(error = %e, "a photo preview could not be kept");
        return None;
    }
    Some(sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    #[test]
    fn a_photo_gets_a_small_jpeg() {
        for name in ["visit-gps.jpg", "plain.png", "no-exif.webp"] {
            let bytes = make(&fixture(name)).unwrap_or_else(|| panic!("{name}: no preview"));
            assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF], "{name}: a JPEG");
            let small = image::load_from_memory(&bytes).unwrap();
            assert!(small.width().max(small.height()) <= EDGE, "{name}");
        }
    }

    #[test]
    fn a_large_photo_shrinks_to_the_edge_keeping_its_shape() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.png");
        image::RgbImage::from_pixel(1000, 600, image::Rgb([200, 120, 40]))
            .save(&path)
            .unwrap();
        let small = image::load_from_memory(&make(&path).unwrap()).unwrap();
        assert_eq!((small.width(), small.height()), (EDGE, 192));
    }

    #[test]
    fn a_document_has_no_preview() {
        assert!(make(&fixture("berita-acara.pdf")).is_none());
    }
}
