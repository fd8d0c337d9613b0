//! Start-up work shared by `serve` and the CLI: connect, migrate, load the reference data into
//! an empty database, and make sure the jurisdiction has an admin.

use anyhow::Context;

use crate::auth::{jwt, password};
use crate::config::Settings;
use crate::db::models::{jurisdiction, user};
use crate::db::{self, Db, DbError};
use crate::domain::policy::Role;
use crate::service::seed::{self, SeedFile};
use crate::service::users;
use crate::state::AppState;

/// Connects (to the primary, and to the replicas when there are), and runs pending migrations
/// — on the primary: the pool holds no other connection.
pub fn connect_and_migrate(settings: &Settings) -> anyhow::Result<Db> {
    let db = connect_patiently(settings)?;
    let _one_at_a_time = db.startup_lock()?;
    migrate(db, settings)
}

/// Adds the replicas when there are, and runs pending migrations (see `connect_and_migrate`).
fn migrate(mut db: Db, settings: &Settings) -> anyhow::Result<Db> {
    if let Some(url) = &settings.read_database_url {
        db = db.with_replica(
            url,
            settings.pool_size,
            settings.db_statement_timeout_ms,
            settings.read_max_lag_ms,
        )?;
        tracing::info!(
            max_lag_ms = settings.read_max_lag_ms,
            "reads that may lag go to the replicas"
        );
    }
    let mut conn = db.conn()?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, backend = db.backend().name(), "applied migrations");
    }
    Ok(db)
}

/// Connects, trying PostgreSQL again with backoff (0.5 s doubling to 8 s) for up to
/// `ADUAN_DB_CONNECT_WAIT_SECS` when it is not up yet (started beside aduan, or restarting) or
/// is a standby (a cluster without a primary yet, or a URL without
/// `target_session_attrs=read-write` whose first host is a standby); a wrong URL or password
/// is retried the same way, and its last error is reported.
fn connect_patiently(settings: &Settings) -> anyhow::Result<Db> {
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_secs(settings.db_connect_wait_secs);
    let mut pause = std::time::Duration::from_millis(500);
    // An embedded SQLite file is there or not: nothing to wait for.
    let server = matches!(
        crate::db::Backend::from_url(&settings.database_url),
        Ok(crate::db::Backend::Postgres)
    );
    loop {
        let attempt = Db::connect_with(
            &settings.database_url,
            settings.pool_size,
            settings.db_statement_timeout_ms,
        );
        match attempt {
            Ok(db) => return Ok(db),
            Err(DbError::Connect(e)) if server && std::time::Instant::now() + pause < deadline => {
                tracing::warn!(error = %e, retry_in_ms = pause.as_millis() as u64, "waiting for a writable primary database");
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_secs(8));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Everything `serve` needs before it listens.
pub fn prepare(settings: Settings) -> anyhow::Result<AppState> {
    let db = connect_patiently(&settings)?;
    let one_at_a_time = db.startup_lock()?;
    let db = migrate(db, &settings)?;
    seed_if_empty(&db, &settings)?;
    ensure_admin(&db, settings.admin_password.as_deref())?;
    let built =
        db.write_blocking(|c| crate::service::projections::ensure_built(c).map_err(DbError::from))?;
    if !built.is_empty() {
        crate::service::projections::tidy(&mut *db.conn()?).map_err(DbError::from)?;
        tracing::info!(
            jurisdictions = built.len(),
            "built the trend rollups and recap facts"
        );
    }
    drop(one_at_a_time);
    let secret = jwt::load_or_create_secret(settings.jwt_secret.as_deref(), &settings.data_dir)?;
    let blobs = crate::files::store::FsBlobStore::open(&settings.data_dir).with_context(|| {
        format!(
            "cannot create the attachment folder in {}",
            settings.data_dir.display()
        )
    })?;
    Ok(AppState::new(
        db,
        settings,
        &secret,
        std::sync::Arc::new(blobs),
    ))
}

/// Loads `ADUAN_SEED` (or the bundled Subang file) when there is no jurisdiction yet.
pub fn seed_if_empty(db: &Db, settings: &Settings) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    if jurisdiction::count(&mut conn).map_err(DbError::from)? > 0 {
        return Ok(());
    }
    drop(conn);
    let (text, name) = match &settings.seed {
        Some(path) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("ADUAN_SEED: cannot read {}", path.display()))?,
            path.display().to_string(),
        ),
        None => (
            seed::BUNDLED_SUBANG.to_string(),
            "bundled Subang".to_string(),
        ),
    };
    let file = SeedFile::parse(&text).with_context(|| format!("seed {name}"))?;
    let report = db.write_blocking(|c| seed::load(c, &file).map_err(DbError::from))?;
    tracing::info!(seed = %name, "loaded reference data: {report}");
    Ok(())
}

/// Creates the `admin` user of the first jurisdiction when it has no active admin. The password
/// is `ADUAN_ADMIN_PASSWORD`, or a random one printed once.
pub fn ensure_admin(db: &Db, configured: Option<&str>) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let Some(jur) = jurisdiction::first(&mut conn).map_err(DbError::from)? else {
        return Ok(());
    };
    if user::count_active_admins(&mut conn, &jur.id).map_err(DbError::from)? > 0 {
        return Ok(());
    }
    if user::find_by_username(&mut conn, "admin")
        .map_err(DbError::from)?
        .is_some()
    {
        anyhow::bail!(
            "{} has no active admin and the username 'admin' is taken; \
             create one with `aduan user add --role admin --username NAME`",
            jur.name
        );
    }
    drop(conn);
    let (password, generated) = match configured {
        Some(p) => (p.to_string(), false),
        None => (password::generate(), true),
    };
    let admin = users::NewUser {
        username: "admin".into(),
        password_hash: password::hash(&password)?,
        display_name: "Administrator".into(),
        role: Role::Admin,
        agency_id: None,
        division_id: None,
    };
    db.write_blocking(|c| users::create(c, &jur.id, admin))?;
    if generated {
        // Printed once, on standard output, so it is not mixed into shipped logs.
        println!(
            "\n  Created the admin user of {}.\n  username: admin\n  password: {password}\n  \
             (shown once; set ADUAN_ADMIN_PASSWORD to choose it)\n",
            jur.name
        );
    } else {
        tracing::info!(jurisdiction = %jur.name, "created the admin user with ADUAN_ADMIN_PASSWORD");
    }
    Ok(())
}
