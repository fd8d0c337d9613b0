//! The console (Konsol aduan): server-rendered pages in Bahasa Indonesia at `/app/` for PICs,
//! coordinators, agency and division heads and admins. A front like `api/`: each handler takes
//! the signed-in user from the session cookie ([`session::Signed`]), calls a service, and
//! renders a template of `src/pages/templates/` (askama: checked and compiled into the binary).
//! The words of each page live in its template; failures are worded in [`messages`].

pub mod assets;
mod charts;
mod dashboard;
mod duties;
mod evidence;
mod files;
mod filing;
mod form;
pub mod format;
mod frame;
mod inbox;
mod labels;
mod list;
mod messages;
mod proofs;
mod public_recap;
mod publication;
mod recap;
mod reference;
mod render;
mod session;
mod sign_in;
mod ticket;
mod timeline;
mod tracking;
mod users;

use actix_web::web;

pub use session::{ROOT, SESSION};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::redirect("/", "/app/"))
        .service(web::redirect("/app", "/app/"))
        .route("/lacak", web::get().to(tracking::find))
        .route("/lacak/{code}", web::get().to(tracking::show))
        .route("/lacak/{code}/bukti.png", web::get().to(proofs::card))
        .route("/bukti", web::get().to(proofs::list))
        .route("/bukti/foto/{sha256}", web::get().to(proofs::photo))
        .route("/rekap/{id}", web::get().to(public_recap::show))
        .route("/rekap/{id}/kartu.png", web::get().to(public_recap::card))
        .service(
            web::scope(ROOT)
                .route("/", web::get().to(inbox::show))
                .route("/masuk", web::get().to(sign_in::show))
                .route("/masuk", web::post().to(sign_in::submit))
                .route("/keluar", web::post().to(sign_in::sign_out))
                .route("/aset/{name}", web::get().to(assets::serve))
                .route("/referensi", web::get().to(reference::show))
                .route("/rekap", web::get().to(recap::show))
                .route("/rekap", web::post().to(recap::freeze))
                .route("/rekap/kartu.png", web::get().to(recap::live_card))
                .route(
                    "/rekap/keterangan.txt",
                    web::get().to(recap::live_caption_text),
                )
                .route("/rekap/rincian/{key}", web::get().to(recap::live_drill))
                .route("/rekap/{id}", web::get().to(recap::frozen))
                .route("/rekap/{id}/keputusan", web::post().to(recap::decide))
                .route("/rekap/{id}/kartu.png", web::get().to(recap::frozen_card))
                .route(
                    "/rekap/{id}/keterangan.txt",
                    web::get().to(recap::frozen_caption_text),
                )
                .route(
                    "/rekap/{id}/rincian/{key}",
                    web::get().to(recap::frozen_drill),
                )
                .route("/analitik", web::get().to(dashboard::show))
                .route(
                    "/analitik/perencanaan",
                    web::get().to(dashboard::planning_table),
                )
                .route("/analitik/unduh/{file}", web::get().to(dashboard::download))
                .route("/pengguna", web::get().to(users::show))
                .route("/pengguna", web::post().to(users::add))
                .route("/pengguna/{id}", web::get().to(users::edit))
                .route("/pengguna/{id}", web::post().to(users::save))
                .route("/tugas", web::get().to(duties::show))
                .route("/tugas/patroli", web::post().to(duties::check_in))
                .route("/tugas/unggahan", web::post().to(duties::record_post))
                .route("/aduan", web::get().to(list::show))
                .route("/aduan/baru", web::get().to(filing::show))
                .route("/aduan/baru", web::post().to(filing::submit))
                .route("/aduan/cek", web::get().to(filing::check))
                .route("/aduan/{code}", web::get().to(ticket::show))
                .route("/aduan/{code}/bukti.png", web::get().to(publication::card))
                .route(
                    "/aduan/{code}/foto/{id}/publik",
                    web::post().to(publication::publish),
                )
                .route(
                    "/aduan/{code}/foto/{id}/tarik",
                    web::post().to(publication::withdraw),
                )
                .route("/aduan/{code}/visit", web::post().to(ticket::visit))
                .route("/aduan/{code}/{action}", web::post().to(ticket::act))
                .route("/berkas/{id}", web::get().to(files::original))
                .route("/berkas/{id}/kecil", web::get().to(files::preview)),
        );
}
