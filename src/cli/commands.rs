//! The work of the CLI's subcommands: plain functions, so that tests call them too.

use std::path::Path;

use anyhow::Context;

use super::seed::{self, SeedFile};
use crate::api::users::{normalise_username, resolve_scope};
use crate::app::bootstrap::connect_and_migrate;
use crate::auth::password;
use crate::config::Settings;
use crate::db::models::{agency, division, jurisdiction, user};
use crate::db::{self, DbError};
use crate::domain::policy::Role;
use crate::error::ServiceError;

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
            super::synthetic::generate(c, &j, &opts)
                .map_err(|e| DbError::from(diesel::result::Error::QueryBuilderError(e.into())))
        })?;
        done += n;
    }
    let j = jur.clone();
    let rows = db.write_blocking(move |c| {
        crate::service::rollups::rebuild(c, &j.id, j.tz()).map_err(DbError::from)
    })?;
    crate::service::rollups::tidy(&mut *db.conn()?).map_err(DbError::from)?;
    tracing::info!(rows, "rebuilt the trend rollups");
    println!(
        "{}: added {tickets} synthetic tickets over {days} days in {:.1} s",
        jur.name,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub struct NewUser {
    pub username: String,
    pub role: String,
    pub display_name: Option<String>,
    pub agency: Option<String>,
    pub division: Option<String>,
    pub jurisdiction: Option<String>,
    pub password: Option<String>,
}

/// `aduan user add`.
pub fn add_user(settings: &Settings, new: NewUser) -> anyhow::Result<()> {
    let username =
        normalise_username(&new.username).map_err(|m| anyhow::anyhow!("--username {m}"))?;
    let role = Role::parse(&new.role)
        .ok_or_else(|| anyhow::anyhow!("--role '{}' is not a role", new.role))?;
    let (password, generated) = match new.password.filter(|p| !p.is_empty()) {
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
            let agency_id = match &new.agency {
                Some(code) => Some(
                    agency::find_by_code(c, &jur.id, code)?
                        .ok_or_else(|| {
                            ServiceError::invalid("agency", format!("no agency '{code}'"))
                        })?
                        .id,
                ),
                None => None,
            };
            let division_id = match &new.division {
                Some(code) => Some(
                    division::find_by_code(c, &jur.id, code)?
                        .ok_or_else(|| {
                            ServiceError::invalid("division", format!("no division '{code}'"))
                        })?
                        .id,
                ),
                None => None,
            };
            let (agency_id, division_id) = resolve_scope(c, &jur.id, role, agency_id, division_id)?;
            let now = db::now();
            let row = user::User {
                id: db::new_id(),
                jurisdiction_id: jur.id,
                username: username.clone(),
                password_hash: hash,
                display_name: new.display_name.clone().unwrap_or_else(|| username.clone()),
                role: role.as_str().into(),
                agency_id,
                division_id,
                active: true,
                token_version: 0,
                last_login_at: None,
                created_at: now,
                updated_at: now,
            };
            user::insert(c, &row).map_err(|e| {
                ServiceError::unique_as_conflict(
                    e,
                    "username_taken",
                    format!("the username '{username}' is taken"),
                )
            })?;
            Ok::<_, ServiceError>(row)
        })
        .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
    println!("created {} ({})", row.username, row.role);
    if generated {
        println!("password: {password}  (shown once)");
    }
    Ok(())
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
