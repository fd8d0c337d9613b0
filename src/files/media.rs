//! What an uploaded file is: its type judged by content (never by name or header), and the
//! capture time and GPS position from EXIF when the file carries them.

use std::path::Path;

use chrono::{NaiveDateTime, TimeZone};

/// The content types accepted as evidence.
pub const ACCEPTED: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heif",
    "application/pdf",
];

/// The content type of a file from its first bytes, when it is one we accept.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    let kind = infer::get(head)?;
    let mime = match kind.mime_type() {
        // HEIC is HEIF with HEVC pictures; phones send both names.
        "image/heic" | "image/heif" => "image/heif",
        other => other,
    };
    ACCEPTED.iter().copied().find(|m| *m == mime)
}

/// What EXIF says about a photo.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PhotoFacts {
    /// When the photo was taken, in UTC.
    pub taken_at: Option<NaiveDateTime>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

/// Reads EXIF from an image file. Capture times without an offset are taken to be in `tz`
/// (the jurisdiction's zone: cameras keep local time). Files without EXIF give no facts.
pub fn photo_facts(path: &Path, tz: chrono_tz::Tz) -> PhotoFacts {
    let Ok(file) = std::fs::File::open(path) else {
        return PhotoFacts::default();
    };
    let mut reader = std::io::BufReader::new(file);
    // Phones and editors write EXIF with small faults; read what can be read.
    let read = exif::Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut reader)
        .or_else(|e| e.distill_partial_result(|_| {}));
    let Ok(exif) = read else {
        return PhotoFacts::default();
    };
    let (lat, lng) = match (
        coordinate(
            &exif,
            exif::Tag::GPSLatitude,
            exif::Tag::GPSLatitudeRef,
            'S',
        ),
        coordinate(
            &exif,
            exif::Tag::GPSLongitude,
            exif::Tag::GPSLongitudeRef,
            'W',
        ),
    ) {
        (Some(lat), Some(lng))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) =>
        {
            (Some(lat), Some(lng))
        }
        _ => (None, None),
    };
    PhotoFacts {
        taken_at: taken_at(&exif, tz),
        lat,
        lng,
    }
}

fn ascii(exif: &exif::Exif, tag: exif::Tag) -> Option<Vec<u8>> {
    match &exif.get_field(tag, exif::In::PRIMARY)?.value {
        exif::Value::Ascii(parts) => parts.first().cloned(),
        _ => None,
    }
}

fn taken_at(exif: &exif::Exif, tz: chrono_tz::Tz) -> Option<NaiveDateTime> {
    let raw =
        ascii(exif, exif::Tag::DateTimeOriginal).or_else(|| ascii(exif, exif::Tag::DateTime))?;
    let dt = exif::DateTime::from_ascii(&raw).ok()?;
    let local = chrono::NaiveDate::from_ymd_opt(dt.year.into(), dt.month.into(), dt.day.into())?
        .and_hms_opt(dt.hour.into(), dt.minute.into(), dt.second.into())?;
    let offset = ascii(exif, exif::Tag::OffsetTimeOriginal)
        .and_then(|o| String::from_utf8(o).ok())
        .and_then(|o| chrono::FixedOffset::from_str_offset(&o));
    let utc = match offset {
        Some(off) => off.from_local_datetime(&local).single()?.naive_utc(),
        None => tz.from_local_datetime(&local).earliest()?.naive_utc(),
    };
    Some(utc)
}

/// Degrees from EXIF's degrees/minutes/seconds rationals, negative in the `negative` hemisphere.
fn coordinate(
    exif: &exif::Exif,
    tag: exif::Tag,
    reference: exif::Tag,
    negative: char,
) -> Option<f64> {
    let exif::Value::Rational(parts) = &exif.get_field(tag, exif::In::PRIMARY)?.value else {
        return None;
    };
    if parts.is_empty() || parts.iter().any(|r| r.denom == 0) {
        return None;
    }
    let mut deg = 0.0;
    for (i, r) in parts.iter().take(3).enumerate() {
        deg += r.to_f64() / 60f64.powi(i as i32);
    }
    let sign = match ascii(exif, reference) {
        Some(r) if r.first().map(|c| *c as char) == Some(negative) => -1.0,
        _ => 1.0,
    };
    Some(sign * deg)
}

trait FromStrOffset: Sized {
    fn from_str_offset(s: &str) -> Option<Self>;
}

impl FromStrOffset for chrono::FixedOffset {
    /// `+07:00`, `-03:30`.
    fn from_str_offset(s: &str) -> Option<Self> {
        let s = s.trim();
        let sign = match s.chars().next()? {
            '+' => 1,
            '-' => -1,
            _ => return None,
        };
        let (h, m) = s[1..].split_once(':')?;
        let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
        chrono::FixedOffset::east_opt(sign * secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"),
            Some("image/png")
        );
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            sniff(b"MZ\x90\x00\x03\x00\x00\x00"),
            None,
            "a Windows program"
        );
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(
            sniff(b"GIF89a\x01\x00"),
            None,
            "GIF is not evidence we accept"
        );
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn offsets() {
        use chrono::FixedOffset;
        assert_eq!(
            FixedOffset::from_str_offset("+07:00"),
            FixedOffset::east_opt(7 * 3600)
        );
        assert_eq!(
            FixedOffset::from_str_offset("-03:30"),
            FixedOffset::east_opt(-(3 * 3600 + 1800))
        );
        assert_eq!(FixedOffset::from_str_offset("07:00"), None);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    #[test]
    fn exif_of_the_test_photo() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/visit-gps.jpg");
        let f = photo_facts(&p, chrono_tz::Asia::Jakarta);
        assert_eq!(
            f.taken_at.map(|t| t.to_string()).as_deref(),
            Some("2025-07-08 02:15:00")
        );
        assert!((f.lat.unwrap() + 6.6583).abs() < 1e-4);
        assert!((f.lng.unwrap() - 107.6772).abs() < 1e-4);
        let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plain.png");
        assert_eq!(
            photo_facts(&png, chrono_tz::Asia::Jakarta),
            PhotoFacts::default()
        );
    }
}
