//! Settings: one typed struct, loaded once from the environment (and an optional `.env`),
//! validated at start so that a bad value stops the process with a clear message.

use std::collections::HashMap;
use std::path::PathBuf;

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Every setting of the service. See the README's configuration table.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://PATH` or `postgres://…` / `postgresql://…`.
    /// Default: `sqlite://<data dir>/aduan.db`.
    pub database_url: String,
    /// `ADUAN_READ_DATABASE_URL`: PostgreSQL replicas for the reads that may lag (analytics,
    /// recaps, the planner dashboard, public pages). Default: none (the primary).
    pub read_database_url: Option<String>,
    /// `ADUAN_READ_MAX_LAG_MS`: a replica further behind than this is not read from. Default
    /// 5000.
    pub read_max_lag_ms: u64,
    /// `ADUAN_BIND`: address to listen on. Default `127.0.0.1:8080`.
    pub bind: String,
    /// `ADUAN_DATA_DIR`: database file, attachments and the generated JWT secret. Default `./data`.
    pub data_dir: PathBuf,
    /// `ADUAN_JWT_SECRET`: HS256 secret (at least 32 bytes). When unset, one is generated on
    /// first start and kept in the data directory.
    pub jwt_secret: Option<String>,
    /// `ADUAN_JWT_TTL_MINUTES`: lifetime of an access token. Default 480 (one working day).
    pub jwt_ttl_minutes: i64,
    /// `ADUAN_ADMIN_PASSWORD`: password of the bootstrap `admin` user.
    pub admin_password: Option<String>,
    /// `ADUAN_SEED`: reference-data file loaded into an empty database. Default: bundled Subang.
    pub seed: Option<PathBuf>,
    /// `ADUAN_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `ADUAN_DB_POOL_SIZE`: database connections kept by the pool. Default 8.
    pub pool_size: u32,
    /// `ADUAN_DB_STATEMENT_TIMEOUT_MS`: PostgreSQL cancels a statement running longer (the
    /// projection rebuild and the synthetic generator lift it for themselves). Default 5000;
    /// 0: none.
    pub db_statement_timeout_ms: u64,
    /// `ADUAN_DB_CONNECT_WAIT_SECS`: how long start-up keeps trying to reach the database
    /// (with backoff) before giving up. Default 60.
    pub db_connect_wait_secs: u64,
    /// `ADUAN_REQUEST_TIMEOUT_SECS`: the longest a request may take, its body included, before
    /// it is answered 408 and its connection freed. Default 60.
    pub request_timeout_secs: u64,
    /// `ADUAN_MAX_JSON_BYTES`: largest JSON body accepted. Default 1 MiB.
    pub max_json_bytes: usize,
    /// `ADUAN_MAX_UPLOAD_BYTES`: largest attachment accepted. Default 20 MiB.
    pub max_upload_bytes: u64,
    /// `ADUAN_WORKERS`: HTTP worker threads. Default: the number of cores.
    pub workers: Option<usize>,
    /// `ADUAN_ESCALATION_INTERVAL_MS`: how often breached clocks and expired holds are looked
    /// for. Default 60000 (a minute).
    pub escalation_interval_ms: u64,
    /// `ADUAN_WEBHOOK_POLL_MS`: how often the outbox is read when nothing wakes the sender
    /// (a new event in this instance wakes it at once). Default 1000.
    pub webhook_poll_ms: u64,
    /// `ADUAN_WEBHOOK_RETRY_BASE_MS`: the first retry's delay; each next one doubles, up to
    /// six hours. Default 30000.
    pub webhook_retry_base_ms: u64,
    /// `ADUAN_WEBHOOK_RETRY_HOURS`: how long a delivery is retried before it is marked
    /// failed. Default 25 (at least a day, as promised to receivers).
    pub webhook_retry_hours: u64,
    /// `ADUAN_WEBHOOK_TIMEOUT_MS`: how long a receiver may take to answer. Default 10000.
    pub webhook_timeout_ms: u64,
    /// `ADUAN_RECAP_ANCHOR`: a Monday; recap periods are the fortnights from it. Default
    /// 2025-01-06.
    pub recap_anchor: chrono::NaiveDate,
    /// `ADUAN_REPEAT_AFTER_DAYS`: a complaint without a comment URL (a walk-in, a message, an
    /// Open311 report) with the same author and text as an earlier one is that one again —
    /// unless the earlier ticket was closed at least this many days ago. Default 30.
    pub repeat_after_days: i64,
    /// `ADUAN_TRUSTED_PROXIES`: CIDR list of reverse proxies whose `X-Forwarded-For` names the
    /// client. Default: none (the direct peer is the client).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `ADUAN_WEBHOOK_ALLOW_NETS`: CIDR list of networks webhooks may reach although they are
    /// private or local (on-premises receivers), e.g. `10.0.0.0/8`. Default: none.
    pub webhook_allow_nets: Vec<ipnet::IpNet>,
    /// `ADUAN_SIGN_IN_FAILURES_PER_USER`: failed sign-ins allowed per username in the window
    /// before its attempts are refused for a while. Default 5; 0 turns the limit off.
    pub sign_in_failures_per_user: u32,
    /// `ADUAN_SIGN_IN_FAILURES_PER_ADDRESS`: the same per client address (many PICs may share
    /// one). Default 50; 0 turns the limit off.
    pub sign_in_failures_per_address: u32,
    /// `ADUAN_SIGN_IN_WINDOW_MINUTES`: the window the two allowances refill over. Default 15.
    pub sign_in_window_minutes: u64,
    /// `ADUAN_PASSWORD_HASHES`: password hashes (19 MiB each) run at once. Default: the number
    /// of cores, at least 2.
    pub password_hashes: usize,
    /// `ADUAN_PUBLIC_READS_PER_MINUTE`: requests per client address per minute to the public
    /// tracking page and Open311's GETs. Default 120; 0 turns the limit off.
    pub public_reads_per_minute: u32,
    /// `ADUAN_OPEN311_POSTS_PER_MINUTE`: Open311 reports per API key per minute. Default 60;
    /// 0 turns the limit off.
    pub open311_posts_per_minute: u32,
    /// `ADUAN_UPLOADS_PER_DAY`: files one user may upload per local day. Default 200.
    pub uploads_per_day: u32,
    /// `ADUAN_UPLOAD_BYTES_PER_DAY`: bytes one user may upload per local day. Default 1 GiB.
    pub upload_bytes_per_day: u64,
    /// `ADUAN_ORPHAN_GRACE_HOURS`: staged files, attachments nothing uses and blobs no
    /// attachment names are removed after this long. Default 24.
    pub orphan_grace_hours: u64,
    /// `ADUAN_OPEN311_CONTACT`: who Open311 client developers may contact (shown in
    /// `/open311/v2/discovery`). Default: a line asking them to contact the administrators.
    pub open311_contact: String,
    /// `ADUAN_SECURE_COOKIES`: the console's cookies are marked `Secure` (sent over HTTPS only).
    /// Set it to `true` behind a TLS proxy; a request that itself came over TLS gets `Secure`
    /// anyway. Default `false`, so that `http://127.0.0.1:8080/` works.
    pub secure_cookies: bool,
    /// `ADUAN_PUBLIC_URL`: the address the public reaches aduan at (e.g.
    /// `https://aduan.subang.go.id`), for links that leave the server: the Open Graph address
    /// of public pages. Default: none (those links are left out).
    pub public_url: Option<String>,
}

/// An absolute http(s) address without a trailing slash.
fn public_url(raw: Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(raw) = raw else { return Ok(None) };
    match url::Url::parse(&raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Ok(Some(raw.trim_end_matches('/').to_string()))
        }
        _ => Err(err(
            "ADUAN_PUBLIC_URL",
            format!("'{raw}' is not an address like https://aduan.example.go.id"),
        )),
    }
}

/// A setting that could not be used, with the variable's name.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

/// A yes/no setting: `true`/`false` (also `1`/`0`, `yes`/`no`); absent is `false`.
fn flag(get: &impl Fn(&str) -> Option<String>, var: &'static str) -> Result<bool, ConfigError> {
    match get(var).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("false") | Some("0") | Some("no") => Ok(false),
        Some("true") | Some("1") | Some("yes") => Ok(true),
        Some(other) => Err(err(var, format!("'{other}' is neither true nor false"))),
    }
}

fn err(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

/// Room for a multipart form's boundaries, headers and text parts beside its file.
const FORM_SLACK: u64 = 1 << 20;

impl Settings {
    /// The largest body any route accepts: an attachment with its form around it.
    pub fn max_body(&self) -> u64 {
        (self.max_upload_bytes + FORM_SLACK).max(self.max_json_bytes as u64)
    }

    /// How long after it was closed a ticket stops catching repeats of its complaint.
    pub fn repeat_after(&self) -> chrono::Duration {
        chrono::Duration::days(self.repeat_after_days)
    }

    /// Reads the process environment (after loading `.env` if one is present).
    pub fn from_env() -> Result<Settings, ConfigError> {
        let _ = dotenvy::dotenv();
        let vars: HashMap<String, String> = std::env::vars().collect();
        Settings::from_lookup(|k| vars.get(k).cloned())
    }

    /// Builds settings from any key lookup; empty values count as unset.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };

        let data_dir = PathBuf::from(get("ADUAN_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = get("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("aduan.db").display()));
        let backend =
            crate::db::Backend::from_url(&database_url).map_err(|e| err("DATABASE_URL", e))?;
        let read_database_url = get("ADUAN_READ_DATABASE_URL");
        if let Some(url) = &read_database_url {
            let replica =
                crate::db::Backend::from_url(url).map_err(|e| err("ADUAN_READ_DATABASE_URL", e))?;
            if replica != crate::db::Backend::Postgres || backend != crate::db::Backend::Postgres {
                return Err(err(
                    "ADUAN_READ_DATABASE_URL",
                    "replicas are PostgreSQL standbys: both it and DATABASE_URL are postgres:// URLs",
                ));
            }
        }

        let bind = get("ADUAN_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        if bind.parse::<std::net::SocketAddr>().is_err() {
            return Err(err(
                "ADUAN_BIND",
                format!("'{bind}' is not an address like 127.0.0.1:8080"),
            ));
        }

        let jwt_secret = get("ADUAN_JWT_SECRET");
        if let Some(s) = &jwt_secret {
            if s.len() < 32 {
                return Err(err(
                    "ADUAN_JWT_SECRET",
                    "must be at least 32 bytes long (or unset, to generate one)",
                ));
            }
        }

        let admin_password = get("ADUAN_ADMIN_PASSWORD");
        if let Some(p) = &admin_password {
            crate::auth::password::check_strength(p).map_err(|m| err("ADUAN_ADMIN_PASSWORD", m))?;
        }

        let log_format = match get("ADUAN_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(err(
                    "ADUAN_LOG_FORMAT",
                    format!("'{other}' is not one of: text, json"),
                ))
            }
        };

        Ok(Settings {
            database_url,
            read_database_url,
            read_max_lag_ms: number(&get, "ADUAN_READ_MAX_LAG_MS", 5000, 0, 3_600_000)?,
            bind,
            data_dir,
            jwt_secret,
            jwt_ttl_minutes: number(&get, "ADUAN_JWT_TTL_MINUTES", 480, 1, 60 * 24 * 30)?,
            admin_password,
            seed: get("ADUAN_SEED").map(PathBuf::from),
            log_format,
            pool_size: number(&get, "ADUAN_DB_POOL_SIZE", 8, 1, 256)?,
            db_statement_timeout_ms: number(
                &get,
                "ADUAN_DB_STATEMENT_TIMEOUT_MS",
                5000,
                0,
                3_600_000,
            )?,
            db_connect_wait_secs: number(&get, "ADUAN_DB_CONNECT_WAIT_SECS", 60, 0, 3600)?,
            request_timeout_secs: number(&get, "ADUAN_REQUEST_TIMEOUT_SECS", 60, 1, 3600)?,
            max_json_bytes: number(&get, "ADUAN_MAX_JSON_BYTES", 1 << 20, 1024, 64 << 20)?,
            max_upload_bytes: number(&get, "ADUAN_MAX_UPLOAD_BYTES", 20 << 20, 1024, 1 << 30)?,
            workers: match get("ADUAN_WORKERS") {
                None => None,
                Some(_) => Some(number(&get, "ADUAN_WORKERS", 1, 1, 1024)?),
            },
            escalation_interval_ms: number(
                &get,
                "ADUAN_ESCALATION_INTERVAL_MS",
                60_000,
                10,
                24 * 3_600_000,
            )?,
            webhook_poll_ms: number(&get, "ADUAN_WEBHOOK_POLL_MS", 1_000, 10, 3_600_000)?,
            webhook_retry_base_ms: number(
                &get,
                "ADUAN_WEBHOOK_RETRY_BASE_MS",
                30_000,
                10,
                3_600_000,
            )?,
            webhook_retry_hours: number(&get, "ADUAN_WEBHOOK_RETRY_HOURS", 25, 1, 24 * 30)?,
            webhook_timeout_ms: number(&get, "ADUAN_WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000)?,
            recap_anchor: match get("ADUAN_RECAP_ANCHOR") {
                None => chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default(),
                Some(v) => chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .ok()
                    .filter(|d| crate::domain::recap::is_anchor(*d))
                    .ok_or_else(|| {
                        err("ADUAN_RECAP_ANCHOR", "must be a Monday such as 2025-01-06")
                    })?,
            },
            trusted_proxies: match get("ADUAN_TRUSTED_PROXIES") {
                None => vec![],
                Some(raw) => crate::limits::client::parse_nets(&raw)
                    .map_err(|m| err("ADUAN_TRUSTED_PROXIES", m))?,
            },
            webhook_allow_nets: match get("ADUAN_WEBHOOK_ALLOW_NETS") {
                None => vec![],
                Some(raw) => crate::limits::client::parse_nets(&raw)
                    .map_err(|m| err("ADUAN_WEBHOOK_ALLOW_NETS", m))?,
            },
            sign_in_failures_per_user: number(
                &get,
                "ADUAN_SIGN_IN_FAILURES_PER_USER",
                5,
                0,
                10_000,
            )?,
            sign_in_failures_per_address: number(
                &get,
                "ADUAN_SIGN_IN_FAILURES_PER_ADDRESS",
                50,
                0,
                1_000_000,
            )?,
            sign_in_window_minutes: number(&get, "ADUAN_SIGN_IN_WINDOW_MINUTES", 15, 1, 24 * 60)?,
            password_hashes: number(
                &get,
                "ADUAN_PASSWORD_HASHES",
                std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
                1,
                256,
            )?,
            public_reads_per_minute: number(
                &get,
                "ADUAN_PUBLIC_READS_PER_MINUTE",
                120,
                0,
                1_000_000,
            )?,
            open311_posts_per_minute: number(
                &get,
                "ADUAN_OPEN311_POSTS_PER_MINUTE",
                60,
                0,
                1_000_000,
            )?,
            uploads_per_day: number(&get, "ADUAN_UPLOADS_PER_DAY", 200, 1, 1_000_000)?,
            upload_bytes_per_day: number(
                &get,
                "ADUAN_UPLOAD_BYTES_PER_DAY",
                1 << 30,
                1024,
                1 << 40,
            )?,
            orphan_grace_hours: number(&get, "ADUAN_ORPHAN_GRACE_HOURS", 24, 1, 24 * 365)?,
            repeat_after_days: number(&get, "ADUAN_REPEAT_AFTER_DAYS", 30, 0, 3650)?,
            open311_contact: get("ADUAN_OPEN311_CONTACT")
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| {
                    "Contact the administrators of this aduan server (Diskominfo).".to_string()
                }),
            secure_cookies: flag(&get, "ADUAN_SECURE_COOKIES")?,
            public_url: public_url(get("ADUAN_PUBLIC_URL"))?,
        })
    }
}

fn number<T>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
    min: T,
    max: T,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(raw) = get(var) else {
        return Ok(default);
    };
    match raw.parse::<T>() {
        Ok(v) if v >= min && v <= max => Ok(v),
        _ => Err(err(
            var,
            format!("'{raw}' is not a whole number from {min} to {max}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_no_environment() {
        let s = from(&[]).expect("defaults are valid");
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.data_dir, PathBuf::from("./data"));
        assert_eq!(s.database_url, "sqlite://./data/aduan.db");
        assert_eq!(s.log_format, LogFormat::Text);
        assert_eq!(s.jwt_ttl_minutes, 480);
        assert_eq!(s.max_upload_bytes, 20 * 1024 * 1024);
    }

    #[test]
    fn database_follows_data_dir() {
        let s = from(&[("ADUAN_DATA_DIR", "/srv/aduan")]).unwrap();
        assert_eq!(s.database_url, "sqlite:///srv/aduan/aduan.db");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("DATABASE_URL", "mysql://x"),
            ("ADUAN_BIND", "localhost"),
            ("ADUAN_JWT_SECRET", "short"),
            ("ADUAN_ADMIN_PASSWORD", "short"),
            ("ADUAN_LOG_FORMAT", "xml"),
            ("ADUAN_DB_POOL_SIZE", "0"),
            ("ADUAN_JWT_TTL_MINUTES", "ten"),
            ("ADUAN_MAX_UPLOAD_BYTES", "20MB"),
            ("ADUAN_READ_DATABASE_URL", "sqlite://replica.db"),
            ("ADUAN_READ_MAX_LAG_MS", "-1"),
        ] {
            let e = from(&[(var, value)]).expect_err(var);
            assert_eq!(e.var, var);
        }
    }

    #[test]
    fn replicas_are_postgres_standbys_of_a_postgres_primary() {
        let pg = "postgres://u@h1:5432,h2:5432/aduan";
        let s = from(&[
            ("DATABASE_URL", pg),
            ("ADUAN_READ_DATABASE_URL", pg),
            ("ADUAN_READ_MAX_LAG_MS", "800"),
        ])
        .unwrap();
        assert_eq!(s.read_database_url.as_deref(), Some(pg));
        assert_eq!(s.read_max_lag_ms, 800);
        assert_eq!(from(&[]).unwrap().read_database_url, None);
        let e = from(&[("ADUAN_READ_DATABASE_URL", pg)]).expect_err("a SQLite primary");
        assert_eq!(e.var, "ADUAN_READ_DATABASE_URL");
    }

    #[test]
    fn empty_values_count_as_unset() {
        let s = from(&[("ADUAN_BIND", ""), ("ADUAN_JWT_SECRET", " ")]).unwrap();
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert!(s.jwt_secret.is_none());
    }
}
