//! A request's last write, held open until the request's answer is known, so that one more
//! statement — storing that answer with its idempotency key — commits in the same transaction
//! as the work. Without it, a crash between the work's commit and the answer's would leave a
//! written complaint whose retry files it again.
//!
//! A [`Hold`] is set for the request's task ([`Hold::run`]). Within it every `Db::write` keeps
//! its transaction open after its work succeeded and hands the work's value back; the next
//! database access of the same request first commits it ([`Hold::settle`]), so later reads see
//! it and SQLite's single writer is never waited on by its own request. At the end,
//! [`Hold::finish`] runs the last statement in the held transaction and commits. When the
//! request is dropped (timed out, the client gone) the held transaction rolls back.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use diesel::QueryResult;
use tokio::sync::oneshot;

use super::{Db, DbConnection, DbError};

/// The statement that ends a held write, run in its transaction before the commit.
pub type Finish = Box<dyn FnOnce(&mut DbConnection) -> QueryResult<()> + Send>;

tokio::task_local! {
    static HOLD: Arc<Hold>;
}

/// The writes of one request (see the module's notes).
#[derive(Default)]
pub struct Hold {
    pending: Mutex<Option<Pending>>,
    wrote: AtomicBool,
    /// One write of the request at a time: a second one started alongside (a join) waits
    /// until the first is held, then commits it, instead of waiting on its lock forever.
    turn: tokio::sync::Mutex<()>,
}

/// A write whose work is done and whose transaction waits: `Some(finish)` to run it and commit,
/// `None` to commit as it is, a dropped sender to roll back.
struct Pending {
    finish: mpsc::SyncSender<Option<Finish>>,
    committed: oneshot::Receiver<Result<(), DbError>>,
}

impl Hold {
    pub fn new() -> Arc<Hold> {
        Arc::new(Hold::default())
    }

    /// Runs `work` (a request) with this hold on its writes.
    pub async fn run<F: Future>(self: &Arc<Self>, work: F) -> F::Output {
        HOLD.scope(self.clone(), work).await
    }

    /// Whether the request wrote (committed, or held now).
    pub fn wrote(&self) -> bool {
        self.wrote.load(Ordering::SeqCst)
    }

    fn take(&self) -> Option<Pending> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Commits the held write as it is, if there is one.
    pub async fn settle(&self) -> Result<(), DbError> {
        match self.take() {
            Some(p) => p.close(None).await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }

    /// Rolls the held write back (the request failed after it).
    pub fn abandon(&self) {
        drop(self.take());
    }

    /// Runs `finish` in the held write's transaction and commits; `None` when nothing is held.
    pub async fn finish(&self, finish: Finish) -> Option<Result<(), DbError>> {
        match self.take() {
            Some(p) => Some(p.close(Some(finish)).await.unwrap_or_else(|| {
                Err(DbError::Join(
                    "the held write ended without an answer".into(),
                ))
            })),
            None => None,
        }
    }
}

impl Pending {
    async fn close(self, finish: Option<Finish>) -> Option<Result<(), DbError>> {
        self.finish.send(finish).ok()?;
        self.committed.await.ok()
    }
}

/// The hold of the current request, if it has one.
pub(super) fn current() -> Option<Arc<Hold>> {
    HOLD.try_with(Arc::clone).ok()
}

/// Why a held transaction rolled back.
enum Ended<E> {
    /// The work failed with this error (for the caller, once the transaction is over: when
    /// the connection was lost meanwhile, the caller hears that instead).
    Failed(E),
    /// Nobody waits for the transaction any more.
    Gone,
    Db(DbError),
}

impl<E> From<DbError> for Ended<E> {
    fn from(e: DbError) -> Self {
        Ended::Db(e)
    }
}

impl<E> From<diesel::result::Error> for Ended<E> {
    fn from(e: diesel::result::Error) -> Self {
        Ended::Db(DbError::Query(e))
    }
}

/// `Db::write` under a hold: the work's value comes back as soon as the work is done; the
/// transaction stays open until the hold settles or finishes it.
pub(super) async fn write<T, E, F>(db: &Db, hold: Arc<Hold>, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + From<diesel::result::Error> + Send + 'static,
{
    let _turn = hold.turn.lock().await;
    hold.settle().await?;
    let (value_tx, value_rx) = oneshot::channel::<Result<T, E>>();
    let (finish_tx, finish_rx) = mpsc::sync_channel::<Option<Finish>>(1);
    let (done_tx, done_rx) = oneshot::channel::<Result<(), DbError>>();
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        let mut value_tx = Some(value_tx);
        let ended = db.write_blocking(|conn| match f(conn) {
            Err(e) => Err(Ended::Failed(e)),
            Ok(value) => {
                let value_tx = value_tx.take().ok_or(Ended::Gone)?;
                value_tx.send(Ok(value)).map_err(|_| Ended::Gone)?;
                match finish_rx.recv() {
                    Ok(Some(finish)) => {
                        finish(conn)?;
                        super::fault::at("before-commit");
                        Ok(())
                    }
                    Ok(None) => Ok(()),
                    Err(_) => Err(Ended::Gone),
                }
            }
        });
        let _ = done_tx.send(match ended {
            Ok(()) => {
                super::fault::at("after-commit");
                Ok(())
            }
            Err(Ended::Db(e)) => Err(e),
            Err(Ended::Failed(e)) => {
                if let Some(tx) = value_tx {
                    let _ = tx.send(Err(e));
                }
                return;
            }
            Err(Ended::Gone) => return,
        });
    });
    match value_rx.await {
        Ok(Ok(value)) => {
            hold.wrote.store(true, Ordering::SeqCst);
            *hold.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(Pending {
                finish: finish_tx,
                committed: done_rx,
            });
            Ok(value)
        }
        Ok(Err(e)) => Err(e),
        // The work never ran: the transaction could not begin.
        Err(_) => Err(match done_rx.await {
            Ok(Err(e)) => e,
            _ => DbError::Join("the write ended without a result".into()),
        }
        .into()),
    }
}
