//! What a failure means, in Bahasa Indonesia, for the console's pages. The service's own
//! details are English for API clients; a page shows these words instead (by the error's
//! stable code), naming the form field a validation error is about.

use crate::error::ServiceError;

/// A page title for the failure.
pub fn title(e: &ServiceError) -> &'static str {
    match e {
        ServiceError::NotFound(_) => "Tidak ditemukan",
        ServiceError::Forbidden(_) => "Tidak diizinkan",
        ServiceError::TooManyRequests { .. } => "Terlalu banyak percobaan",
        ServiceError::Unavailable(_) | ServiceError::TimedOut(_) => "Layanan sedang sibuk",
        ServiceError::Internal(_) => "Terjadi kesalahan",
        _ => "Permintaan tidak dapat diproses",
    }
}

/// The failure in words.
pub fn message(e: &ServiceError) -> String {
    match e {
        ServiceError::Validation(errors) => errors
            .iter()
            .map(|f| format!("{} tidak valid.", field(&f.field)))
            .collect::<Vec<_>>()
            .join(" "),
        ServiceError::TooManyRequests { retry_after, .. } => format!(
            "Terlalu banyak percobaan. Coba lagi dalam {}.",
            wait(*retry_after)
        ),
        other => by_code(other.code()).to_string(),
    }
}

fn by_code(code: &str) -> &'static str {
    match code {
        "invalid_credentials" => "Nama pengguna atau kata sandi salah.",
        "inactive_user" => "Akun ini sudah dinonaktifkan. Hubungi admin.",
        "token_revoked" | "invalid_token" | "unauthenticated" => {
            "Sesi Anda sudah berakhir. Silakan masuk lagi."
        }
        "not_found" => "Yang Anda cari tidak ada, atau Anda tidak berhak melihatnya.",
        "forbidden" => "Peran Anda tidak diizinkan melakukan ini.",
        "invalid_transition" => "Tindakan ini tidak dapat dilakukan pada status aduan sekarang.",
        "precondition_failed" | "edit_conflict" => {
            "Aduan ini baru saja diubah orang lain. Keadaan terbarunya ditampilkan; periksa lalu \
             ulangi bila masih perlu."
        }
        "username_taken" => "Nama pengguna itu sudah dipakai.",
        "last_admin" => "Admin terakhir tidak dapat dinonaktifkan atau diubah perannya.",
        "payload_too_large" => {
            "Berkas terlalu besar, atau jatah unggahan Anda hari ini sudah habis."
        }
        "unsupported_media_type" => "Jenis berkas tidak didukung.",
        "unsupported_file_type" => {
            "Berkas ini bukan foto atau dokumen yang diterima: kirim JPEG, PNG, WebP, HEIC atau PDF."
        }
        "malformed_multipart" | "malformed_form" => {
            "Formulir terkirim tidak utuh (mungkin koneksi terputus). Kirim lagi."
        }
        "unavailable" | "request_timeout" => {
            "Layanan sedang sibuk atau basis data tidak terjangkau. Coba lagi sebentar lagi."
        }
        "internal_error" => "Terjadi kesalahan di server. Coba lagi; bila berulang, hubungi admin.",
        "invalid_query" => "Isian pencarian tidak valid.",
        _ => "Permintaan tidak dapat diproses. Periksa isian Anda lalu coba lagi.",
    }
}

/// A field of the API's input, as its form labels it.
pub fn field(name: &str) -> &str {
    // `accounts_checked[2]` is the field `accounts_checked`.
    let name = name.split('[').next().unwrap_or(name);
    match name {
        "username" => "Nama pengguna",
        "password" => "Kata sandi",
        "new_password" => "Kata sandi baru",
        "current_password" => "Kata sandi sekarang",
        "display_name" => "Nama lengkap",
        "role" => "Peran",
        "status" => "Status",
        "slot" => "Slot patroli",
        "started_at" => "Waktu patroli",
        "accounts_checked" => "Akun yang diperiksa",
        "comments_reviewed" => "Komentar yang dibaca",
        "kind" => "Jenis",
        "url" => "Tautan unggahan",
        "account_id" => "Akun",
        "original_url" => "Tautan postingan asli",
        "title" => "Judul",
        "location" => "Lokasi",
        "source.text" => "Isi komentar",
        "source.account" => "Akun resmi",
        "agency_id" | "agency" => "Perangkat daerah",
        "division_id" | "division" => "Bidang",
        "comment_url" | "source.comment_url" => "Tautan komentar",
        "author" | "source.author" => "Akun pengirim",
        "category" => "Kategori",
        "region" => "Kecamatan/desa",
        "reply_url" => "Tautan balasan",
        "reason" => "Alasan",
        "note" => "Catatan",
        "resolution" => "Penyelesaian",
        "notes" => "Temuan dan tindakan di lapangan",
        "visited_at" => "Waktu kunjungan",
        "attachment_ids" | "foto" => "Foto",
        "summary" => "Ringkasan penyelesaian",
        "no_visit_reason" => "Alasan tanpa kunjungan lapangan",
        "dari" => "Tanggal awal",
        "sampai" => "Tanggal akhir",
        "kelompok" => "Kelompok",
        "ukuran" => "Ukuran",
        "satuan" => "Satuan waktu",
        "penyaring" => "Penyaring (pilih satu saja: kategori, kecamatan atau perangkat daerah)",
        "tahun" => "Tahun",
        other => other,
    }
}

/// "30 detik", "5 menit".
fn wait(seconds: u64) -> String {
    if seconds < 60 {
        format!("{} detik", seconds.max(1))
    } else {
        format!("{} menit", seconds.div_ceil(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_read_in_indonesian() {
        let e = ServiceError::unauthorized("invalid_credentials", "wrong username or password");
        assert_eq!(message(&e), "Nama pengguna atau kata sandi salah.");
        let e = ServiceError::too_many("x", std::time::Duration::from_secs(125));
        assert_eq!(
            message(&e),
            "Terlalu banyak percobaan. Coba lagi dalam 3 menit."
        );
        let e = ServiceError::invalid("username", "must not be empty");
        assert_eq!(message(&e), "Nama pengguna tidak valid.");
        let e = ServiceError::internal(anyhow::anyhow!("secret detail"));
        assert!(!message(&e).contains("secret"));
    }
}
