//! The evidence of a complaint as the complaint page shows it: the photos it was filed with and
//! each field visit with its notes and photos — a small preview of each, with when and where
//! the camera says it was taken (EXIF).

use std::collections::HashSet;

use chrono_tz::Tz;

use super::format;
use super::session::ROOT;
use crate::db::models::attachment::Attachment;
use crate::service::tickets::Visit;

/// One file in the gallery.
pub struct Photo {
    pub id: String,
    /// A picture (only pictures can be shown to the public).
    pub image: bool,
    /// Shown to the public ("tampilkan ke publik").
    pub public: bool,
    /// Where the whole file opens.
    pub href: String,
    /// Its preview, when it is a photo aduan could shrink.
    pub preview: Option<String>,
    /// What the file is, for the alternative text and the caption.
    pub label: String,
    /// "Diambil Selasa, 1 Desember 2026, 13.05 WIB · −6.55123, 107.76123", or why not.
    pub caption: String,
}

/// A field visit with its photos.
pub struct VisitView {
    pub at: String,
    pub notes: String,
    pub place: Option<String>,
    pub photos: Vec<Photo>,
}

/// A position as people read it: latitude and longitude to five decimals (about a metre).
pub fn place(lat: Option<f64>, lng: Option<f64>) -> Option<String> {
    Some(format!("{:.5}, {:.5}", lat?, lng?))
}

/// The files, in their order, named `what` 1, 2, … when they have no file name.
pub fn photos(files: &[Attachment], what: &str, tz: Tz, public: &HashSet<String>) -> Vec<Photo> {
    files
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let taken = a.taken_at.map(|t| format::date_time(t.and_utc(), tz));
            let caption = match (taken, place(a.lat, a.lng)) {
                (Some(t), Some(p)) => format!("Diambil {t} · {p}"),
                (Some(t), None) => format!("Diambil {t} · tanpa lokasi"),
                (None, Some(p)) => format!("Tanpa waktu pengambilan · {p}"),
                (None, None) => "Tanpa waktu dan lokasi pengambilan".to_string(),
            };
            Photo {
                id: a.id.clone(),
                image: a.content_type.starts_with("image/"),
                public: public.contains(&a.id),
                href: format!("{ROOT}/berkas/{}", a.id),
                preview: a
                    .thumbnail_sha256
                    .as_ref()
                    .map(|_| format!("{ROOT}/berkas/{}/kecil", a.id)),
                label: a
                    .filename
                    .clone()
                    .unwrap_or_else(|| format!("{what} {}", i + 1)),
                caption,
            }
        })
        .collect()
}

/// The visits, oldest first.
pub fn visits(visits: &[Visit], tz: Tz, public: &HashSet<String>) -> Vec<VisitView> {
    visits
        .iter()
        .map(|(v, files)| VisitView {
            at: format::date_time(v.visited_at.and_utc(), tz),
            notes: v.notes.clone(),
            place: place(v.lat, v.lng),
            photos: photos(files, "Foto kunjungan", tz, public),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: Option<&str>, taken: bool, gps: bool) -> Attachment {
        Attachment {
            id: if name.is_some() { "f1" } else { "f2" }.into(),
            jurisdiction_id: "j".into(),
            uploader_id: "u".into(),
            sha256: "0".repeat(64),
            content_type: "image/jpeg".into(),
            size: 10,
            filename: name.map(str::to_string),
            taken_at: taken.then(|| {
                chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                    .unwrap()
                    .and_hms_opt(6, 5, 0)
                    .unwrap()
            }),
            lat: gps.then_some(-6.551234),
            lng: gps.then_some(107.761234),
            created_at: chrono::NaiveDateTime::default(),
            thumbnail_sha256: taken.then(|| "1".repeat(64)),
        }
    }

    #[test]
    fn captions_say_when_and_where_or_that_the_camera_did_not() {
        let tz: Tz = "Asia/Jakarta".parse().unwrap();
        let shown = photos(
            &[
                file(Some("jalan.jpg"), true, true),
                file(None, false, false),
            ],
            "Foto",
            tz,
            &HashSet::from(["f1".to_string()]),
        );
        assert_eq!(shown[0].label, "jalan.jpg");
        assert!(
            shown[0].public && !shown[1].public,
            "published: the first only"
        );
        assert_eq!(
            shown[0].caption,
            "Diambil Selasa, 1 Desember 2026, 13.05 WIB · -6.55123, 107.76123"
        );
        assert_eq!(shown[0].preview.as_deref(), Some("/app/berkas/f1/kecil"));
        assert_eq!(shown[1].label, "Foto 2");
        assert_eq!(shown[1].caption, "Tanpa waktu dan lokasi pengambilan");
        assert_eq!(shown[1].preview, None);
    }
}
