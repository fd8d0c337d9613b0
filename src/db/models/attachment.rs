//! Attachments: metadata of stored files (the bytes are in the blob store, by SHA-256).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{attachments, field_visit_attachments, ticket_attachments, tickets};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
// Absent values are written as NULL (not DEFAULT), so the INSERT is one cached statement.
#[diesel(table_name = attachments, treat_none_as_null = true)]
pub struct Attachment {
    pub id: String,
    pub jurisdiction_id: String,
    pub uploader_id: String,
    pub sha256: String,
    pub content_type: String,
    pub size: i64,
    pub filename: Option<String>,
    pub taken_at: Option<NaiveDateTime>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub created_at: NaiveDateTime,
    /// The blob of the photo's small JPEG preview, when one could be made.
    pub thumbnail_sha256: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &Attachment) -> QueryResult<()> {
    diesel::insert_into(attachments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    id: &str,
) -> QueryResult<Option<Attachment>> {
    attachments::table
        .filter(attachments::jurisdiction_id.eq(jurisdiction_id))
        .filter(attachments::id.eq(id))
        .select(Attachment::as_select())
        .first(conn)
        .optional()
}

pub fn find_many(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    ids: &[String],
) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::jurisdiction_id.eq(jurisdiction_id))
        .filter(attachments::id.eq_any(ids))
        .select(Attachment::as_select())
        .load(conn)
}

/// Links `files` to the ticket they were filed with, in their order.
pub fn link_to_ticket(
    conn: &mut DbConnection,
    ticket_id: &str,
    files: &[Attachment],
) -> QueryResult<()> {
    // One statement per row: batch inserts are not available through the multi connection.
    for (i, a) in files.iter().enumerate() {
        diesel::insert_into(ticket_attachments::table)
            .values((
                ticket_attachments::ticket_id.eq(ticket_id),
                ticket_attachments::attachment_id.eq(&a.id),
                ticket_attachments::position.eq(i as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The files the tickets `ticket_ids` were filed with, each with its ticket's id, in their
/// order.
pub fn of_tickets(
    conn: &mut DbConnection,
    ticket_ids: &[String],
) -> QueryResult<Vec<(String, Attachment)>> {
    if ticket_ids.is_empty() {
        return Ok(vec![]);
    }
    ticket_attachments::table
        .inner_join(attachments::table)
        .filter(ticket_attachments::ticket_id.eq_any(ticket_ids))
        .order((
            ticket_attachments::ticket_id,
            ticket_attachments::position.asc(),
        ))
        .select((ticket_attachments::ticket_id, Attachment::as_select()))
        .load(conn)
}

/// The tickets that use the attachment: filed with it, in a field visit, or as an Open311
/// request's media.
pub fn tickets_using(
    conn: &mut DbConnection,
    attachment_id: &str,
) -> QueryResult<Vec<crate::db::models::ticket::Ticket>> {
    use crate::db::models::ticket::Ticket;
    use crate::db::schema::open311_requests;
    tickets::table
        .filter(
            tickets::id
                .eq_any(
                    field_visit_attachments::table
                        .filter(field_visit_attachments::attachment_id.eq(attachment_id))
                        .select(field_visit_attachments::ticket_id),
                )
                .or(tickets::id.eq_any(
                    ticket_attachments::table
                        .filter(ticket_attachments::attachment_id.eq(attachment_id))
                        .select(ticket_attachments::ticket_id),
                ))
                .or(tickets::id.eq_any(
                    open311_requests::table
                        .filter(open311_requests::attachment_id.eq(attachment_id))
                        .select(open311_requests::ticket_id),
                )),
        )
        .select(Ticket::as_select())
        .load(conn)
}

/// How many files `uploader_id` uploaded since `since`, and their bytes.
pub fn uploaded_since(
    conn: &mut DbConnection,
    uploader_id: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, i64)> {
    let rows: Vec<i64> = attachments::table
        .filter(attachments::uploader_id.eq(uploader_id))
        .filter(attachments::created_at.ge(since))
        .select(attachments::size)
        .load(conn)?;
    Ok((rows.len() as i64, rows.iter().sum()))
}

/// Removes the attachments made before `before` that nothing uses (no ticket, no field visit,
/// no Open311 request), in one statement; gives the digests of the removed rows.
pub fn delete_unused(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<Vec<String>> {
    use crate::db::schema::open311_requests;
    let unused = attachments::table
        .filter(attachments::created_at.lt(before))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            field_visit_attachments::table
                .filter(field_visit_attachments::attachment_id.eq(attachments::id)),
        )))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            ticket_attachments::table.filter(ticket_attachments::attachment_id.eq(attachments::id)),
        )))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            open311_requests::table
                .filter(open311_requests::attachment_id.eq(attachments::id.nullable())),
        )));
    diesel::delete(unused)
        .returning(attachments::sha256)
        .get_results(conn)
}

/// Which of `digests` some row still uses: an attachment's file or preview, or a published
/// photo's public copies.
pub fn digests_in_use(conn: &mut DbConnection, digests: &[String]) -> QueryResult<Vec<String>> {
    let mut used: Vec<String> = attachments::table
        .filter(attachments::sha256.eq_any(digests))
        .select(attachments::sha256)
        .distinct()
        .load(conn)?;
    let previews: Vec<Option<String>> = attachments::table
        .filter(attachments::thumbnail_sha256.eq_any(digests))
        .select(attachments::thumbnail_sha256)
        .distinct()
        .load(conn)?;
    used.extend(previews.into_iter().flatten());
    // The public's re-encoded copies of published photos.
    use crate::db::schema::published_photos as pp;
    let copies: Vec<String> = pp::table
        .filter(pp::sha256.eq_any(digests))
        .select(pp::sha256)
        .distinct()
        .load(conn)?;
    let small: Vec<String> = pp::table
        .filter(pp::preview_sha256.eq_any(digests))
        .select(pp::preview_sha256)
        .distinct()
        .load(conn)?;
    used.extend(copies.into_iter().chain(small));
    Ok(used)
}
