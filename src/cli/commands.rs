//! The work of the CLI's subcommands: plain functions, so that tests call them too.

use std::path::Path;

use anyhow::Context;

use crate::app::bootstrap::connect_and_migrate;
use crate::auth::password;
use crate::config::Settings;
use crate::db::models::{agency, division, jurisdiction};
use crate::db::{DbConnection, DbError};
use crate::domain::policy::Role;
use crate::error::ServiceError;
use crate::service::seed::{self, SeedFile};
use crate::service::users::{self, normalise_username};

/// `aduan seed FILE`.
pub fn load_seed(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed = SeedFile::parse(&text)?;
    let db = connect_and_migrate(settings)?;
    let report = db.write_blocking(|c| seed::load(c, &parsed).map_err(DbError::from))?;
    println!("{}: {report}", parsed.jurisdiction.name);
    Ok(())
}

/// `aduan seed --synthetic N`: into the first jurisdiction, a thousand tickets per transaction.
pub fn make_synthetic(
    settings: &Settings,
    tickets: usize,
    days: i64,
    seed: u64,
) -> anyhow::Result<()> {
    anyhow::ensure!((1..=3660).contains(&days), "--days must be from 1 to 3660");
    // As on a first start: migrations, the bundled reference data, the bootstrap admin.
    let db = crate::app::bootstrap::prepare(settings.clone())?.db;
    let jur = db
        .write_blocking(|c| crate::db::models::jurisdiction::first(c).map_err(DbError::from))?
        .ok_or_else(|| anyhow::anyhow!("the database has no jurisdiction"))?;
    let started = std::time::Instant::now();
    let now = chrono::Utc::now();
    let mut done = 0;
    while done < tickets {
        let n = (tickets - done).min(1000);
        let opts = super::synthetic::Options {
            tickets: n,
            days,
            seed: seed.wrapping_add(done as u64),
            now,
        };
        let j = jur.clone();
        db.write_blocking(move |c| {
            crate::db::lift_statement_timeout(c)?;
            super::synthetic::generate(c, &j, &opts)
                .map_err(|e| DbError::from(diesel::result::Error::QueryBuilderError(e.into())))
        })?;
        done += n;
    }
    let j = jur.clone();
    let rows = db.write_blocking(move |c| {
        crate::service::projections::rebuild(c, &j.id, j.tz()).map_err(DbError::from)
    })?;
    crate::service::projections::tidy(&mut *db.conn()?).map_err(DbError::from)?;
    tracing::info!(rows, "rebuilt the trend rollups");
    println!(
        "{}: added {tickets} synthetic tickets over {days} days in {:.1} s",
        jur.name,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `aduan user add`'s arguments.
#[derive(Debug, clap::Args)]
pub struct NewUser {
    #[arg(long)]
    pub username: String,
    /// admin, coordinator, leader, agency_head, division_head, pic or planner.
    #[arg(long)]
    pub role: String,
    #[arg(long)]
    pub display_name: Option<String>,
    /// Agency code (for agency_head and pic).
    #[arg(long)]
    pub agency: Option<String>,
    /// Division code (for division_head).
    #[arg(long)]
    pub division: Option<String>,
    /// Jurisdiction code or short code; default: the first one.
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// From ADUAN_NEW_USER_PASSWORD, or generated and printed once.
    #[arg(skip)]
    pub password: Option<String>,
}

/// `aduan user add`.
pub fn add_user(settings: &Settings, new: NewUser) -> anyhow::Result<()> {
    let username =
        normalise_username(&new.username).map_err(|m| anyhow::anyhow!("--username {m}"))?;
    let role = Role::parse(&new.role)
        .ok_or_else(|| anyhow::anyhow!("--role '{}' is not a role", new.role))?;
    let (password, generated) = match new.password.clone().filter(|p| !p.is_empty()) {
        Some(p) => (p, false),
        None => (password::generate(), true),
    };
    password::check_strength(&password)
        .map_err(|m| anyhow::anyhow!("ADUAN_NEW_USER_PASSWORD {m}"))?;
    let hash = password::hash(&password)?;
    let db = connect_and_migrate(settings)?;
    let row = db
        .write_blocking(|c| {
            let jur = match &new.jurisdiction {
                Some(code) => jurisdiction::find_by_code(c, code)?,
                None => jurisdiction::first(c)?,
            }
            .ok_or_else(|| ServiceError::bad_request("no_jurisdiction", "no such jurisdiction"))?;
            let (agency_id, division_id) = scope_by_code(c, &jur.id, &new)?;
            let user = users::NewUser {
                display_name: new.display_name.clone().unwrap_or_else(|| username.clone()),
                username: username.clone(),
                password_hash: hash,
                role,
                agency_id,
                division_id,
            };
            users::create(c, &jur.id, user)
        })
        .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
    println!("created {} ({})", row.username, row.role);
    if generated {
        println!("password: {password}  (shown once)");
    }
    Ok(())
}

/// The ids of the agency and division that `--agency` and `--division` name by code.
fn scope_by_code(
    c: &mut DbConnection,
    jurisdiction_id: &str,
    new: &NewUser,
) -> Result<(Option<String>, Option<String>), ServiceError> {
    let agency_id = match &new.agency {
        Some(code) => Some(
            agency::find_by_code(c, jurisdiction_id, code)?
                .ok_or_else(|| ServiceError::invalid("agency", format!("no agency '{code}'")))?
                .id,
        ),
        None => None,
    };
    let division_id = match &new.division {
        Some(code) => Some(
            division::find_by_code(c, jurisdiction_id, code)?
                .ok_or_else(|| ServiceError::invalid("division", format!("no division '{code}'")))?
                .id,
        ),
        None => None,
    };
    Ok((agency_id, division_id))
}

fn describe(e: &ServiceError) -> String {
    match e {
        ServiceError::Validation(errors) => errors
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.detail(),
    }
}
