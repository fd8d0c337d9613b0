//! Field visits and the attachments (photos, documents) that document them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::attachment::Attachment;
use crate::db::schema::{attachments, field_visit_attachments, field_visits};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
// Absent values are written as NULL (not DEFAULT), so the INSERT is one cached statement.
#[diesel(table_name = field_visits, treat_none_as_null = true)]
pub struct FieldVisit {
    pub id: String,
    pub jurisdiction_id: String,
    pub ticket_id: String,
    pub visitor_id: String,
    pub visited_at: NaiveDateTime,
    pub notes: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = field_visit_attachments)]
pub struct VisitAttachment {
    pub visit_id: String,
    pub attachment_id: String,
    pub ticket_id: String,
    pub position: i32,
}

pub fn insert(
    conn: &mut DbConnection,
    visit: &FieldVisit,
    files: &[VisitAttachment],
) -> QueryResult<()> {
    diesel::insert_into(field_visits::table)
        .values(visit)
        .execute(conn)?;
    // One statement per row: batch inserts are not available through the multi connection.
    for f in files {
        diesel::insert_into(field_visit_attachments::table)
            .values(f)
            .execute(conn)?;
    }
    Ok(())
}

pub fn count_for_ticket(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<i64> {
    field_visits::table
        .filter(field_visits::ticket_id.eq(ticket_id))
        .count()
        .get_result(conn)
}

/// A ticket's visits in the order they happened, each with its attachments in upload order.
pub fn list_for_ticket(
    conn: &mut DbConnection,
    ticket_id: &str,
) -> QueryResult<Vec<(FieldVisit, Vec<Attachment>)>> {
    let visits: Vec<FieldVisit> = field_visits::table
        .filter(field_visits::ticket_id.eq(ticket_id))
        .order((field_visits::visited_at.asc(), field_visits::id.asc()))
        .select(FieldVisit::as_select())
        .load(conn)?;
    let files: Vec<(String, Attachment)> = field_visit_attachments::table
        .inner_join(attachments::table)
        .filter(field_visit_attachments::ticket_id.eq(ticket_id))
        .order(field_visit_attachments::position.asc())
        .select((field_visit_attachments::visit_id, Attachment::as_select()))
        .load(conn)?;
    Ok(visits
        .into_iter()
        .map(|v| {
            let mine = files
                .iter()
                .filter(|(visit, _)| *visit == v.id)
                .map(|(_, a)| a.clone())
                .collect();
            (v, mine)
        })
        .collect())
}
