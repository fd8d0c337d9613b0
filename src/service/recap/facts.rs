//! A recap's ticket figures from the materialised facts (`recap_facts`): counts grouped in the
//! database, or every fact with its id when the evidence is asked for. Added to the same lines
//! by the same rules as `raw`: the filer's and actor's agency as it is now, a PIC line for a
//! closer or a first_response clock only when the PIC is on duty or filed in the period.

use diesel::QueryResult;

use super::{Lines, Period};
use crate::db::models::recap_fact;
use crate::db::DbConnection;

/// The figures a fact can count for.
const FIGURES: [&str; 9] = [
    "filed",
    "replied_in_time",
    "received",
    "returned",
    "resolved",
    "closed_with_reply",
    "clocks_met",
    "clocks_breached",
    "reopens",
];

/// A counted thing: `(kind, subject, figure, id when listed, how many)`.
type Item = (String, String, &'static str, Option<String>, usize);

fn figure(f: &str) -> Option<&'static str> {
    FIGURES.into_iter().find(|x| *x == f)
}

/// Filings (and their answers in time) decide which PICs have a line, so they go first.
fn is_filing(i: &Item) -> bool {
    i.0 == "user" && matches!(i.2, "filed" | "replied_in_time")
}

/// Adds the period's ticket figures to the lines.
pub(super) fn add_tickets(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    evidence: bool,
    lines: &mut Lines,
) -> QueryResult<()> {
    let items = items(conn, jurisdiction_id, p, evidence)?;
    for (_, subject, f, id, n) in items.iter().filter(|i| is_filing(i)) {
        lines.pic_line(subject.clone()).add(f, id.clone(), *n);
        if let Some(a) = lines.agency(subject) {
            lines.agency_line(a).add(f, id.clone(), *n);
        }
    }
    for (filer, minutes) in recap_fact::first_replies(conn, jurisdiction_id, p.from, p.to)? {
        let Some(m) = minutes else { continue };
        if let Some(a) = lines.agency(&filer) {
            lines.agency_line(a).first_reply.push(m);
        }
        lines.pic_line(filer).first_reply.push(m);
    }
    for (kind, subject, f, id, n) in items.into_iter().filter(|i| !is_filing(i)) {
        if kind == "agency" {
            lines.agency_line(subject).add(f, id, n);
            continue;
        }
        if let Some(a) = lines.agency(&subject) {
            lines.agency_line(a).add(f, id.clone(), n);
        }
        if matches!(f, "closed_with_reply" | "clocks_met" | "clocks_breached") {
            if let Some(acc) = lines.existing_pic_line(&subject) {
                acc.add(f, id, n);
            }
        }
    }
    Ok(())
}

/// The facts of the period: each with its id when `evidence`, else counted in the database.
fn items(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    evidence: bool,
) -> QueryResult<Vec<Item>> {
    Ok(if evidence {
        recap_fact::all(conn, jurisdiction_id, p.from, p.to)?
            .into_iter()
            .filter_map(|(kind, subject, f, ticket, detail)| {
                let id = if detail.is_empty() {
                    ticket
                } else {
                    format!("{ticket}:{detail}")
                };
                Some((kind, subject, figure(&f)?, Some(id), 1))
            })
            .collect()
    } else {
        recap_fact::counts(conn, jurisdiction_id, p.from, p.to)?
            .into_iter()
            .filter_map(|(kind, subject, f, n)| {
                Some((kind, subject, figure(&f)?, None, n as usize))
            })
            .collect()
    })
}
