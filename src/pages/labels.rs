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
