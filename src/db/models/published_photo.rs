//! Photos of a complaint that staff marked publishable, with the names of their re-encoded
//! public copies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{field_visit_attachments, published_photos, ticket_attachments, tickets};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = published_photos)]
pub struct PublishedPhoto {
    pub ticket_id: String,
    pub attachment_id: String,
    pub jurisdiction_id: String,
    /// `before` or `after`.
    pub role: String,
    pub sha256: String,
    pub preview_sha256: String,
    pub published_by: String,
    pub published_at: NaiveDateTime,
}

/// Where `attachment_id` belongs to ticket `ticket_id`: `before` (filed with it), `after`
/// (from one of its field visits), or not at all.
pub fn role_of(
    conn: &mut DbConnection,
    ticket_id: &str,
    attachment_id: &str,
) -> QueryResult<Option<&'static str>> {
    let filed: i64 = ticket_attachments::table
        .filter(ticket_attachments::ticket_id.eq(ticket_id))
        .filter(ticket_attachments::attachment_id.eq(attachment_id))
        .count()
        .get_result(conn)?;
    if filed > 0 {
        return Ok(Some("before"));
    }
    let visited: i64 = field_visit_attachments::table
        .filter(field_visit_attachments::ticket_id.eq(ticket_id))
        .filter(field_visit_attachments::attachment_id.eq(attachment_id))
        .count()
        .get_result(conn)?;
    Ok((visited > 0).then_some("after"))
}

/// Stores `row` unless that photo is already published; `false` then.
pub fn insert(conn: &mut DbConnection, row: &PublishedPhoto) -> QueryResult<bool> {
    let q = diesel::insert_into(published_photos::table).values(row);
    match conn {
        DbConnection::Postgres(pg) => q.on_conflict_do_nothing().execute(pg),
        DbConnection::Sqlite(lite) => q.on_conflict_do_nothing().execute(lite),
    }
    .map(|n| n == 1)
}

pub fn delete(conn: &mut DbConnection, ticket_id: &str, attachment_id: &str) -> QueryResult<usize> {
    diesel::delete(
        published_photos::table
            .filter(published_photos::ticket_id.eq(ticket_id))
            .filter(published_photos::attachment_id.eq(attachment_id)),
    )
    .execute(conn)
}

/// The published photos of a ticket, oldest first.
pub fn of_ticket(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<Vec<PublishedPhoto>> {
    published_photos::table
        .filter(published_photos::ticket_id.eq(ticket_id))
        .order((
            published_photos::published_at.asc(),
            published_photos::attachment_id.asc(),
        ))
        .select(PublishedPhoto::as_select())
        .load(conn)
}

/// Published photos read per step of the walk in `recent`.
const STEP: i64 = 200;

/// The latest `limit` fixed, not confidential complaints with a published photo (optionally
/// filed in one of `region_ids`, of category `category_id`), newest publication first, each with
/// the time of its latest: the published photos walked from the newest on the
/// `(jurisdiction_id, published_at)` index until `limit` complaints are found.
pub fn recent(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    region_ids: Option<&[String]>,
    category_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let mut found: Vec<(String, NaiveDateTime)> = Vec::new();
    let mut offset = 0;
    loop {
        let mut q = published_photos::table
            .inner_join(tickets::table)
            .filter(published_photos::jurisdiction_id.eq(jurisdiction_id))
            .filter(tickets::status.eq_any(["resolved", "closed"]))
            .filter(tickets::confidential.eq(false))
            .select((published_photos::ticket_id, published_photos::published_at))
            .into_boxed();
        if let Some(r) = region_ids {
            q = q.filter(tickets::region_id.eq_any(r.to_vec()));
        }
        if let Some(c) = category_id {
            q = q.filter(tickets::category_id.eq(c.to_string()));
        }
        let page: Vec<(String, NaiveDateTime)> = q
            .order((
                published_photos::published_at.desc(),
                published_photos::ticket_id.desc(),
                published_photos::attachment_id.desc(),
            ))
            .offset(offset)
            .limit(STEP)
            .load(conn)?;
        for (ticket, at) in &page {
            // A complaint's first row in this order is its latest publication.
            if !found.iter().any(|(t, _)| t == ticket) {
                found.push((ticket.clone(), *at));
                if found.len() as i64 >= limit {
                    return Ok(found);
                }
            }
        }
        if (page.len() as i64) < STEP {
            return Ok(found);
        }
        offset += STEP;
    }
}

/// Is `sha256` one of the public copies of a published photo of a ticket that is not
/// confidential?
pub fn is_public_copy(conn: &mut DbConnection, sha256: &str) -> QueryResult<bool> {
    let n: i64 = published_photos::table
        .inner_join(tickets::table)
        .filter(
            published_photos::sha256
                .eq(sha256)
                .or(published_photos::preview_sha256.eq(sha256)),
        )
        .filter(tickets::confidential.eq(false))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
