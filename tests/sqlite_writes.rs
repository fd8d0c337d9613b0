//! SQLite has one writer at a time. Writes queue for it without holding a pooled connection,
//! so reads go on while writes wait; and a write transaction takes the write lock when it
//! begins (IMMEDIATE), so a second process on the same file waits instead of failing with
//! "database is locked".

mod common;

use aduan::db::{Db, DbError};
use common::{Kind, TestApp};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

fn instagram_comment(id: &str) -> serde_json::Value {
    serde_json::json!({"source": {
        "platform": "instagram",
        "comment_url": format!("https://www.instagram.com/p/DLq3abcXYZ1/c/{id}/"),
        "text": "Lampu jalan mati sejak minggu lalu"
    }})
}

/// While one write holds the writer lock and 64 filings queue behind it, every read is
/// answered at once (all pooled connections would be taken by the queue otherwise, and reads
/// would wait out the pool's timeout and answer 503). Then all 64 filings land.
#[actix_web::test]
async fn queued_writes_leave_connections_for_reads() {
    let app = TestApp::new(Kind::Sqlite).await;
    let admin = app.admin_token().await;
    let (_, pic) = app.user_in(&admin, "pic", "diskominfo", None).await;

    let (release, released) = std::sync::mpsc::channel::<()>();
    let (held, holding) = tokio::sync::oneshot::channel::<()>();
    let db = app.state.db.clone();
    let holder = actix_web::rt::spawn(async move {
        db.write(move |_| {
            let _ = held.send(());
            let _ = released.recv();
            Ok::<_, DbError>(())
        })
        .await
    });
    holding.await.expect("the writer lock is held");

    let filings = futures_util::future::join_all((0..64).map(|i| {
        let (app, pic) = (&app, &pic);
        async move {
            app.post("/api/v1/tickets", pic, instagram_comment(&format!("64{i}")))
                .await
        }
    }));
    let reads = async {
        // Let the filings reach the queue (every one signs in and waits for the lock).
        actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
        let mut answers = vec![];
        for _ in 0..8 {
            answers.push(app.get("/api/v1/tickets?limit=5", &admin).await);
        }
        // Only now may the queue move.
        release.send(()).expect("the holder waits");
        answers
    };
    let (filed, reads) = futures_util::future::join(filings, reads).await;
    holder.await.expect("join").expect("the held write commits");
    for r in &reads {
        assert_eq!(r.status, 200, "a read while writes queue: {}", r.text);
    }
    for r in &filed {
        assert_eq!(r.status, 201, "{}", r.text);
    }
    assert_eq!(app.count("tickets"), 64);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Two processes' worth of writers on one file (each with its own pool and writer lock, as the
/// server and a CLI command have): transactions that read, then write, all commit.
#[actix_web::test]
async fn two_processes_write_without_database_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("two.db").display());
    let server = Db::connect(&url, 8).unwrap();
    let cli = Db::connect(&url, 8).unwrap();
    server
        .conn()
        .unwrap()
        .batch_execute("CREATE TABLE counted (n INTEGER NOT NULL)")
        .unwrap();
    let write = |db: &Db| {
        let db = db.clone();
        async move {
            db.write(|c| {
                let before = diesel::sql_query("SELECT count(*) AS n FROM counted")
                    .get_result::<Count>(c)?
                    .n;
                // Long enough that the other process is between its read and its write.
                std::thread::sleep(std::time::Duration::from_millis(5));
                diesel::sql_query(format!("INSERT INTO counted (n) VALUES ({before})"))
                    .execute(c)?;
                Ok::<_, DbError>(())
            })
            .await
        }
    };
    let jobs = (0..32).map(|i| write(if i % 2 == 0 { &server } else { &cli }));
    let results = futures_util::future::join_all(jobs).await;
    for r in &results {
        assert!(r.is_ok(), "{r:?}");
    }
    let total = server
        .read(|c| {
            diesel::sql_query("SELECT count(*) AS n FROM counted")
                .get_result::<Count>(c)
                .map_err(DbError::from)
        })
        .await
        .unwrap();
    assert_eq!(total.n, 32);
    // Serialised: each transaction saw every one before it.
    let seen = server
        .read(|c| {
            diesel::sql_query("SELECT count(DISTINCT n) AS n FROM counted")
                .get_result::<Count>(c)
                .map_err(DbError::from)
        })
        .await
        .unwrap();
    assert_eq!(seen.n, 32);
}
