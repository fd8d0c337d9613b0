//! The recap's facts, one row per counted thing of a ticket (`recap_facts`). What a fact is,
//! is the service's (`service::recap_facts`); here they are stored and counted.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::recap_facts;
use crate::db::{insert_batches, DbConnection};

/// One counted thing.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = recap_facts)]
pub struct Fact {
    pub jurisdiction_id: String,
    pub day: NaiveDate,
    /// `user` or `agency`.
    pub kind: &'static str,
    pub subject: String,
    pub figure: &'static str,
    pub ticket_id: String,
    pub detail: String,
    pub minutes: Option<i64>,
}

pub fn insert_all(conn: &mut DbConnection, facts: &[Fact]) -> QueryResult<()> {
    insert_batches::<_, Fact>(conn, recap_facts::table, facts, 2000).map(|_| ())
}

/// Removes one ticket's facts.
pub fn clear_ticket(conn: &mut DbConnection, ticket_id: &str) -> QueryResult<()> {
    diesel::delete(recap_facts::table.filter(recap_facts::ticket_id.eq(ticket_id)))
        .execute(conn)
        .map(|_| ())
}

/// Removes a jurisdiction's facts.
pub fn clear(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<()> {
    diesel::delete(recap_facts::table.filter(recap_facts::jurisdiction_id.eq(jurisdiction_id)))
        .execute(conn)
        .map(|_| ())
}

/// `(kind, subject, figure, count)` of the local days `[from, to]`, first replies left out.
pub type Count = (String, String, String, i64);

pub fn counts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Count>> {
    recap_facts::table
        .filter(recap_facts::jurisdiction_id.eq(jurisdiction_id))
        .filter(recap_facts::day.ge(from))
        .filter(recap_facts::day.le(to))
        .filter(recap_facts::figure.ne("first_reply"))
        .group_by((recap_facts::kind, recap_facts::subject, recap_facts::figure))
        .select((
            recap_facts::kind,
            recap_facts::subject,
            recap_facts::figure,
            count_star(),
        ))
        .load(conn)
}

/// `(filer, minutes)` of the first replies to tickets filed on the local days `[from, to]`.
pub fn first_replies(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, Option<i64>)>> {
    recap_facts::table
        .filter(recap_facts::jurisdiction_id.eq(jurisdiction_id))
        .filter(recap_facts::day.ge(from))
        .filter(recap_facts::day.le(to))
        .filter(recap_facts::figure.eq("first_reply"))
        .select((recap_facts::subject, recap_facts::minutes))
        .load(conn)
}

/// A fact with its id: `(kind, subject, figure, ticket_id, detail)`.
pub type Listed = (String, String, String, String, String);

/// Every fact of the local days `[from, to]` (for the ids behind the figures).
pub fn all(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Listed>> {
    recap_facts::table
        .filter(recap_facts::jurisdiction_id.eq(jurisdiction_id))
        .filter(recap_facts::day.ge(from))
        .filter(recap_facts::day.le(to))
        .filter(recap_facts::figure.ne("first_reply"))
        .select((
            recap_facts::kind,
            recap_facts::subject,
            recap_facts::figure,
            recap_facts::ticket_id,
            recap_facts::detail,
        ))
        .load(conn)
}
