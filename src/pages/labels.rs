//! The words of the lifecycle, as the console shows them.

use crate::domain::inbox::Reason;
use crate::domain::lifecycle::Status;
use crate::domain::source::Channel;

/// Where a complaint came from, by name.
pub fn channel(c: Channel) -> &'static str {
    match c {
        Channel::Instagram => "Instagram",
        Channel::Facebook => "Facebook",
        Channel::Tiktok => "TikTok",
        Channel::X => "X (Twitter)",
        Channel::Youtube => "YouTube",
        Channel::Whatsapp => "WhatsApp",
        Channel::WalkIn => "datang langsung",
        Channel::Web => "situs web",
        Channel::Open311 => "aplikasi Open311",
        _ => "lainnya",
    }
}

pub fn status(s: Status) -> &'static str {
    match s {
        Status::New => "Baru",
        Status::Returned => "Dikembalikan",
        Status::Routed => "Didisposisikan",
        Status::Assigned => "Ditugaskan ke bidang",
        Status::InProgress => "Dikerjakan",
        Status::Resolved => "Selesai dikerjakan",
        Status::Closed => "Ditutup",
        Status::Rejected => "Ditolak",
        Status::Referred => "Dirujuk ke instansi lain",
        Status::Merged => "Digabung",
    }
}

/// Why a ticket is in the user's inbox, as the task to do.
pub fn reason(r: Reason) -> &'static str {
    match r {
        Reason::Reply => "Perlu balasan publik",
        Reason::Close => "Tutup dengan tautan balasan",
        Reason::Returned => "Dikembalikan oleh perangkat daerah",
        Reason::Route => "Verifikasi dan disposisikan",
        Reason::Reroute => "Dikembalikan: disposisikan ulang",
        Reason::Assign => "Tugaskan ke bidang atau kembalikan",
        Reason::Start => "Mulai kerjakan",
        Reason::Work => "Kunjungi lapangan dan selesaikan",
    }
}

/// A deadline as the console names it.
pub fn clock(c: crate::domain::sla::Clock) -> &'static str {
    use crate::domain::sla::Clock;
    match c {
        Clock::FirstResponse => "Balasan pertama",
        Clock::Verify => "Verifikasi",
        Clock::FollowUp => "Tindak lanjut",
        Clock::Resolve => "Penyelesaian",
    }
}

/// What a trend is split by.
pub fn group_by(g: crate::domain::analytics::GroupBy) -> &'static str {
    use crate::domain::analytics::GroupBy;
    match g {
        GroupBy::Category => "Kategori",
        GroupBy::Region => "Kecamatan",
        GroupBy::Agency => "Perangkat daerah",
    }
}

/// What a trend counts.
pub fn metric(m: crate::domain::analytics::Metric) -> &'static str {
    use crate::domain::analytics::Metric;
    match m {
        Metric::Filed => "Aduan masuk",
        Metric::Resolved => "Diselesaikan",
        Metric::Closed => "Ditutup dengan balasan",
    }
}

/// The width of a trend's buckets.
pub fn bucket(b: crate::domain::analytics::Bucket) -> &'static str {
    use crate::domain::analytics::Bucket;
    match b {
        Bucket::Day => "Per hari",
        Bucket::Week => "Per minggu",
        Bucket::Month => "Per bulan",
    }
}
