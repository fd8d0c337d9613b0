//! A ticket's events in words: "Dinas PUPR mengembalikan: bukan kewenangan".

use std::collections::HashMap;

use serde_json::Value;

use crate::db::models::event::Event;
use crate::domain::lifecycle::Action;

/// Names of the agencies and divisions an event may mention, by id.
pub struct Names<'a> {
    pub agencies: &'a HashMap<String, String>,
    pub divisions: &'a HashMap<String, String>,
}

impl Names<'_> {
    fn agency(&self, data: &Value) -> String {
        self.name(self.agencies, data, "agency_id", "perangkat daerah")
    }

    fn division(&self, data: &Value) -> String {
        self.name(self.divisions, data, "division_id", "bidang")
    }

    fn name(&self, of: &HashMap<String, String>, data: &Value, key: &str, or: &str) -> String {
        data[key]
            .as_str()
            .and_then(|id| of.get(id))
            .cloned()
            .unwrap_or_else(|| or.to_string())
    }
}

fn text(data: &Value, key: &str) -> Option<String> {
    data[key]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// ": reason" when there is one.
fn because(data: &Value, key: &str) -> String {
    text(data, key)
        .map(|r| format!(": {r}"))
        .unwrap_or_default()
}

/// What happened, with who did it (`actor`: their name; none for aduan itself).
pub fn describe(e: &Event, actor: Option<&str>, names: &Names) -> String {
    let data: Value = serde_json::from_str(&e.data).unwrap_or_default();
    let who = actor.unwrap_or("aduan");
    match Action::parse(&e.action) {
        Some(Action::File) => format!("{who} mencatat aduan"),
        Some(Action::Route) => format!(
            "{who} mendisposisikan ke {}{}",
            names.agency(&data),
            because(&data, "note")
        ),
        Some(Action::Return) => format!(
            "{} mengembalikan{}",
            names.agency(&data),
            because(&data, "reason")
        ),
        Some(Action::Assign) => format!("{who} menugaskan ke {}", names.division(&data)),
        Some(Action::Start) => format!("{who} mulai mengerjakan{}", because(&data, "note")),
        Some(Action::Resolve) => {
            let how = text(&data, "summary").or_else(|| text(&data, "no_visit_reason"));
            format!(
                "{who} menyelesaikan{}",
                how.map(|h| format!(": {h}")).unwrap_or_default()
            )
        }
        Some(Action::Close) => format!("{who} menutup dengan tautan balasan"),
        Some(Action::Reply) => format!("{who} membalas di media sosial{}", because(&data, "note")),
        Some(Action::Reopen) => format!("{who} membuka kembali{}", because(&data, "reason")),
        Some(Action::Reject) => format!("{who} menolak{}", because(&data, "reason")),
        Some(Action::Refer) => match text(&data, "to") {
            Some(to) => format!("{who} merujuk ke {to}"),
            None => format!("{who} merujuk ke instansi lain"),
        },
        Some(Action::Merge) => format!("{who} menggabungkan dengan aduan lain"),
        Some(Action::Visit) => format!("{who} mencatat kunjungan lapangan"),
        Some(Action::Hold) => format!(
            "{who} menunda, menunggu keterangan pelapor{}",
            because(&data, "reason")
        ),
        Some(Action::Resume) => format!("{who} melanjutkan"),
        Some(Action::SlaBreached) => "Tenggat terlewati".to_string(),
        Some(Action::Withdraw) => "Ditutup otomatis: terlalu lama menunggu pelapor".to_string(),
        None => e.action.clone(),
    }
}
