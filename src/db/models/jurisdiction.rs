//! Jurisdictions: the local governments one deployment hosts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::jurisdictions;
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jurisdictions)]
pub struct Jurisdiction {
    pub id: String,
    pub code: String,
    pub short_code: String,
    pub name: String,
    pub timezone: String,
    pub created_at: NaiveDateTime,
    /// `mon_fri` or `mon_sat`.
    pub work_week: String,
    /// Days a ticket may wait on hold before it is withdrawn.
    pub hold_limit_days: i32,
}

impl Jurisdiction {
    /// The time zone (Asia/Jakarta if the stored name is not one).
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Asia::Jakarta)
    }
}

/// Takes the jurisdiction's row lock until the transaction ends (a no-op update, the same on
/// both backends), so that checks over many rows — "is another admin left?" — and the change
/// they allow run one at a time.
pub fn lock(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(jurisdictions::table.find(id))
        .set(jurisdictions::id.eq(jurisdictions::id))
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Jurisdiction> {
    jurisdictions::table
        .find(id)
        .select(Jurisdiction::as_select())
        .first(conn)
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Jurisdiction>> {
    jurisdictions::table
        .filter(jurisdictions::code.eq(code))
        .or_filter(jurisdictions::short_code.eq(code))
        .select(Jurisdiction::as_select())
        .first(conn)
        .optional()
}

/// The jurisdiction created first: the default for the bootstrap admin and the CLI.
pub fn first(conn: &mut DbConnection) -> QueryResult<Option<Jurisdiction>> {
    jurisdictions::table
        .order((jurisdictions::created_at.asc(), jurisdictions::id.asc()))
        .select(Jurisdiction::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    jurisdictions::table.count().get_result(conn)
}

pub fn insert(conn: &mut DbConnection, row: &Jurisdiction) -> QueryResult<()> {
    diesel::insert_into(jurisdictions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Jurisdiction>> {
    jurisdictions::table
        .order(jurisdictions::id.asc())
        .select(Jurisdiction::as_select())
        .load(conn)
}

pub fn set_calendar(
    conn: &mut DbConnection,
    id: &str,
    work_week: &str,
    hold_limit_days: i32,
) -> QueryResult<usize> {
    diesel::update(jurisdictions::table.find(id))
        .set((
            jurisdictions::work_week.eq(work_week),
            jurisdictions::hold_limit_days.eq(hold_limit_days),
        ))
        .execute(conn)
}
