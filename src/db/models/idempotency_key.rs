//! Idempotency keys and the first answer given to each (the front is `app::idempotency`).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::db::schema::idempotency_keys as keys;
use crate::db::DbConnection;

/// An answer as it is stored and replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a request carrying a key may do.
#[derive(Debug)]
pub enum Claim {
    /// The key is this request's now: run it.
    Fresh,
    /// The key answered already, to the same request: give that answer again.
    Replay(Answer),
    /// The key was used for a different request.
    Reused,
    /// A request with this key is still running (its lease ends at `until`).
    Busy { until: NaiveDateTime },
}

type Row = (
    String,
    String,
    NaiveDateTime,
    Option<i32>,
    Option<String>,
    Option<Vec<u8>>,
);

fn find(conn: &mut DbConnection, scope: &str, key: &str) -> QueryResult<Option<Row>> {
    keys::table
        .filter(keys::scope.eq(scope).and(keys::idem_key.eq(key)))
        .select((
            keys::fingerprint,
            keys::state,
            keys::locked_until,
            keys::status,
            keys::headers,
            keys::body,
        ))
        .first(conn)
        .optional()
}

fn answer_of(status: Option<i32>, headers: Option<String>, body: Option<Vec<u8>>) -> Answer {
    Answer {
        status: status.unwrap_or(200) as u16,
        headers: headers
            .and_then(|h| serde_json::from_str(&h).ok())
            .unwrap_or_default(),
        body: body.unwrap_or_default(),
    }
}

/// Claims `key` of `scope` for a request with `fingerprint`, leased for `lease` and kept for
/// `keep`. An expired record is forgotten first; a lease that ran out (its request died before
/// writing anything) is taken over.
pub fn claim(
    conn: &mut DbConnection,
    (scope, key, fingerprint): (&str, &str, &str),
    now: NaiveDateTime,
    lease: Duration,
    keep: Duration,
) -> QueryResult<Claim> {
    let this = keys::scope.eq(scope).and(keys::idem_key.eq(key));
    diesel::delete(keys::table.filter(this).filter(keys::expires_at.lt(now))).execute(conn)?;
    let Some((fp, state, locked_until, status, headers, body)) = find(conn, scope, key)? else {
        let insert = conn.transaction(|c| {
            diesel::insert_into(keys::table)
                .values((
                    keys::scope.eq(scope),
                    keys::idem_key.eq(key),
                    keys::fingerprint.eq(fingerprint),
                    keys::state.eq("running"),
                    keys::locked_until.eq(now + lease),
                    keys::created_at.eq(now),
                    keys::expires_at.eq(now + keep),
                ))
                .execute(c)
        });
        return match insert {
            Ok(_) => Ok(Claim::Fresh),
            // Another request with this key claimed it meanwhile.
            Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                Ok(Claim::Busy { until: now + lease })
            }
            Err(e) => Err(e),
        };
    };
    if fp != fingerprint {
        return Ok(Claim::Reused);
    }
    if state == "done" {
        return Ok(Claim::Replay(answer_of(status, headers, body)));
    }
    if locked_until > now {
        return Ok(Claim::Busy {
            until: locked_until,
        });
    }
    let taken = diesel::update(
        keys::table
            .filter(this)
            .filter(keys::locked_until.eq(locked_until)),
    )
    .set(keys::locked_until.eq(now + lease))
    .execute(conn)?;
    Ok(if taken == 1 {
        Claim::Fresh
    } else {
        Claim::Busy { until: now + lease }
    })
}

/// Stores the answer of the request holding `key` (in the transaction of its last write).
pub fn finish(conn: &mut DbConnection, scope: &str, key: &str, answer: &Answer) -> QueryResult<()> {
    let headers = serde_json::to_string(&answer.headers).unwrap_or_else(|_| "[]".into());
    diesel::update(keys::table.filter(keys::scope.eq(scope).and(keys::idem_key.eq(key))))
        .set((
            keys::state.eq("done"),
            keys::status.eq(i32::from(answer.status)),
            keys::headers.eq(headers),
            keys::body.eq(&answer.body),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Lets go of a key whose request wrote nothing, so that a retry runs afresh.
pub fn release(conn: &mut DbConnection, scope: &str, key: &str) -> QueryResult<()> {
    diesel::delete(
        keys::table
            .filter(keys::scope.eq(scope).and(keys::idem_key.eq(key)))
            .filter(keys::state.eq("running")),
    )
    .execute(conn)
    .map(|_| ())
}

/// Forgets the keys kept long enough.
pub fn forget_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(keys::table.filter(keys::expires_at.lt(now))).execute(conn)
}
