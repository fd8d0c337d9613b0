//! Reference-data files (`seed/*.toml`): a jurisdiction with its agencies and divisions,
//! regions, categories and official accounts. Loading is idempotent: rows whose code already
//! exists are left as they are, so a file can be loaded again after it grows.

use diesel::QueryResult;
use serde::Deserialize;

use crate::db::models::{account, agency, category, division, holiday, jurisdiction, region};
use crate::db::{new_id, now, DbConnection};
use crate::domain::reference::{
    check_code, check_http_url, check_name, normalise_handle, AgencyKind, SocialPlatform,
};

/// The bundled reference data of Kabupaten Subang.
pub const BUNDLED_SUBANG: &str = include_str!("../../seed/subang.toml");
/// Indonesia's national holidays and cuti bersama, 2025–2026 (SKB of three ministers).
pub const BUNDLED_HOLIDAYS: &str = include_str!("../../seed/id-holidays-2025-2026.csv");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    pub jurisdiction: SeedJurisdiction,
    #[serde(default)]
    pub agencies: Vec<SeedAgency>,
    #[serde(default)]
    pub regions: Vec<SeedKecamatan>,
    #[serde(default)]
    pub categories: Vec<SeedCategory>,
    #[serde(default)]
    pub accounts: Vec<SeedAccount>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedJurisdiction {
    pub code: String,
    pub short_code: String,
    pub name: String,
    pub timezone: String,
    /// Make an agency `kec-<code>` ("Kecamatan <name>") for every kecamatan.
    #[serde(default)]
    pub kecamatan_agencies: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAgency {
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub divisions: Vec<SeedNamed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedNamed {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedKecamatan {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub desa: Vec<SeedNamed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedCategory {
    pub code: String,
    pub name: String,
    pub group: Option<String>,
    /// Code of the agency whose tupoksi covers the category.
    pub agency: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// What the category covers, for the public (Open311's service description).
    pub description: Option<String>,
    /// Extra questions (Open311 service attributes).
    #[serde(default)]
    pub questions: Vec<crate::domain::questions::Question>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAccount {
    pub platform: String,
    pub handle: String,
    pub url: String,
    pub agency: Option<String>,
    #[serde(default)]
    pub leadership: bool,
    #[serde(default)]
    pub placeholder: bool,
}

/// How many rows a load added (existing ones are not counted).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub jurisdiction_created: bool,
    pub jurisdiction_id: String,
    pub agencies: usize,
    pub divisions: usize,
    pub regions: usize,
    pub categories: usize,
    pub accounts: usize,
    pub holidays: usize,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {} agencies, {} divisions, {} regions, {} categories, {} accounts, {} holidays",
            self.agencies,
            self.divisions,
            self.regions,
            self.categories,
            self.accounts,
            self.holidays
        )
    }
}

impl SeedFile {
    /// Parses and checks a file; the error lists every problem with its place.
    pub fn parse(text: &str) -> anyhow::Result<SeedFile> {
        let file: SeedFile = toml::from_str(text)?;
        let problems = file.problems();
        if !problems.is_empty() {
            anyhow::bail!("the seed file is not valid:\n  {}", problems.join("\n  "));
        }
        Ok(file)
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |place: String, r: Result<(), &str>| {
            if let Err(m) = r {
                out.push(format!("{place}: {m}"));
            }
        };
        let j = &self.jurisdiction;
        check("jurisdiction.name".into(), check_name(&j.name));
        check(
            "jurisdiction.timezone".into(),
            j.timezone
                .parse::<chrono_tz::Tz>()
                .map(|_| ())
                .map_err(|_| "is not an IANA time zone such as Asia/Jakarta"),
        );
        check(
            "jurisdiction.short_code".into(),
            if (2..=8).contains(&j.short_code.len())
                && j.short_code.chars().all(|c| c.is_ascii_uppercase())
            {
                Ok(())
            } else {
                Err("must be 2 to 8 capital letters")
            },
        );
        let agency_codes: Vec<String> = self
            .agencies
            .iter()
            .map(|a| a.code.clone())
            .chain(
                self.regions
                    .iter()
                    .filter(|_| j.kecamatan_agencies)
                    .map(|r| format!("kec-{}", r.code)),
            )
            .collect();
        for (i, a) in self.agencies.iter().enumerate() {
            check(format!("agencies[{i}].code"), check_code(&a.code));
            check(format!("agencies[{i}].name"), check_name(&a.name));
            check(
                format!("agencies[{i}].kind"),
                AgencyKind::parse(&a.kind)
                    .map(|_| ())
                    .ok_or("is not a known kind"),
            );
            for (k, d) in a.divisions.iter().enumerate() {
                check(
                    format!("agencies[{i}].divisions[{k}].code"),
                    check_code(&d.code),
                );
                check(
                    format!("agencies[{i}].divisions[{k}].name"),
                    check_name(&d.name),
                );
            }
        }
        for (i, r) in self.regions.iter().enumerate() {
            check(format!("regions[{i}].code"), check_code(&r.code));
            check(format!("regions[{i}].name"), check_name(&r.name));
            for (k, d) in r.desa.iter().enumerate() {
                check(format!("regions[{i}].desa[{k}].code"), check_code(&d.code));
                check(format!("regions[{i}].desa[{k}].name"), check_name(&d.name));
            }
        }
        let known_agency = |code: &Option<String>| match code {
            Some(c) if !agency_codes.contains(c) => Err("names no agency of this file"),
            _ => Ok(()),
        };
        for (i, c) in self.categories.iter().enumerate() {
            check(format!("categories[{i}].code"), check_code(&c.code));
            check(format!("categories[{i}].name"), check_name(&c.name));
            check(format!("categories[{i}].agency"), known_agency(&c.agency));
            for (field, message) in crate::domain::questions::check_questions(&c.questions) {
                check(format!("categories[{i}].{field}"), Err(message.as_str()));
            }
        }
        for (i, a) in self.accounts.iter().enumerate() {
            let platform = SocialPlatform::parse(&a.platform);
            check(
                format!("accounts[{i}].platform"),
                platform.map(|_| ()).ok_or("is not a known platform"),
            );
            check(
                format!("accounts[{i}].handle"),
                normalise_handle(&a.handle).map(|_| ()),
            );
            let url_ok = check_http_url(&a.url)
                .map(|u| platform.is_none_or(|p| u.host_str().is_some_and(|h| p.owns_host(h))));
            check(
                format!("accounts[{i}].url"),
                match url_ok {
                    Ok(true) => Ok(()),
                    Ok(false) => Err("is not an address on the account's platform"),
                    Err(e) => Err(e),
                },
            );
            check(format!("accounts[{i}].agency"), known_agency(&a.agency));
        }
        out
    }
}

/// Loads a checked file in the caller's transaction.
pub fn load(conn: &mut DbConnection, file: &SeedFile) -> Result<SeedReport, diesel::result::Error> {
    let mut report = SeedReport::default();
    let jur = ensure_jurisdiction(conn, &file.jurisdiction, &mut report)?;
    report.jurisdiction_id = jur.clone();
    load_agencies(conn, &jur, file, &mut report)?;
    load_regions(conn, &jur, &file.regions, &mut report)?;
    load_categories(conn, &jur, &file.categories, &mut report)?;
    load_accounts(conn, &jur, &file.accounts, &mut report)?;
    load_holidays(conn, &jur, &mut report)?;
    Ok(report)
}

/// The jurisdiction's id, made when its code is new.
fn ensure_jurisdiction(
    conn: &mut DbConnection,
    j: &SeedJurisdiction,
    report: &mut SeedReport,
) -> QueryResult<String> {
    if let Some(existing) = jurisdiction::find_by_code(conn, &j.code)? {
        return Ok(existing.id);
    }
    let row = jurisdiction::Jurisdiction {
        id: new_id(),
        code: j.code.clone(),
        short_code: j.short_code.clone(),
        name: j.name.clone(),
        timezone: j.timezone.clone(),
        created_at: now(),
        work_week: "mon_fri".to_string(),
        hold_limit_days: 30,
    };
    jurisdiction::insert(conn, &row)?;
    report.jurisdiction_created = true;
    Ok(row.id)
}

/// The file's agencies with their divisions, and one agency per kecamatan when the file asks.
fn load_agencies(
    conn: &mut DbConnection,
    jid: &str,
    file: &SeedFile,
    report: &mut SeedReport,
) -> QueryResult<()> {
    let mut agencies: Vec<(String, String, &str, Vec<&SeedNamed>)> = file
        .agencies
        .iter()
        .map(|a| {
            (
                a.code.clone(),
                a.name.clone(),
                a.kind.as_str(),
                a.divisions.iter().collect(),
            )
        })
        .collect();
    if file.jurisdiction.kecamatan_agencies {
        for r in &file.regions {
            agencies.push((
                format!("kec-{}", r.code),
                format!("Kecamatan {}", r.name),
                "kecamatan",
                vec![],
            ));
        }
    }
    for (code, name, kind, divisions) in agencies {
        let agency_id = ensure_agency(conn, jid, code, name, kind, report)?;
        for d in divisions {
            ensure_division(conn, jid, &agency_id, d, report)?;
        }
    }
    Ok(())
}

fn ensure_agency(
    conn: &mut DbConnection,
    jid: &str,
    code: String,
    name: String,
    kind: &str,
    report: &mut SeedReport,
) -> QueryResult<String> {
    if let Some(a) = agency::find_by_code(conn, jid, &code)? {
        return Ok(a.id);
    }
    let t = now();
    let row = agency::Agency {
        id: new_id(),
        jurisdiction_id: jid.to_string(),
        code,
        name,
        kind: kind.to_string(),
        created_at: t,
        updated_at: t,
    };
    agency::insert(conn, &row)?;
    report.agencies += 1;
    Ok(row.id)
}

fn ensure_division(
    conn: &mut DbConnection,
    jid: &str,
    agency_id: &str,
    d: &SeedNamed,
    report: &mut SeedReport,
) -> QueryResult<()> {
    if division::find_by_code(conn, jid, &d.code)?.is_some() {
        return Ok(());
    }
    let t = now();
    division::insert(
        conn,
        &division::Division {
            id: new_id(),
            jurisdiction_id: jid.to_string(),
            agency_id: agency_id.to_string(),
            code: d.code.clone(),
            name: d.name.clone(),
            created_at: t,
            updated_at: t,
        },
    )?;
    report.divisions += 1;
    Ok(())
}

/// The kecamatan and their desa.
fn load_regions(
    conn: &mut DbConnection,
    jid: &str,
    regions: &[SeedKecamatan],
    report: &mut SeedReport,
) -> QueryResult<()> {
    for r in regions {
        let kec_id = ensure_region(conn, jid, &r.code, &r.name, "kecamatan", None, report)?;
        for d in &r.desa {
            ensure_region(
                conn,
                jid,
                &d.code,
                &d.name,
                "desa",
                Some(kec_id.clone()),
                report,
            )?;
        }
    }
    Ok(())
}

/// The categories whose codes are new, each with its default agency (the tupoksi route).
fn load_categories(
    conn: &mut DbConnection,
    jid: &str,
    categories: &[SeedCategory],
    report: &mut SeedReport,
) -> QueryResult<()> {
    for c in categories {
        if category::find_by_code(conn, jid, &c.code)?.is_some() {
            continue;
        }
        let default_agency_id = agency_id_of(conn, jid, c.agency.as_deref())?;
        let keywords: Vec<String> = c.keywords.iter().map(|k| k.trim().to_lowercase()).collect();
        let t = now();
        category::insert(
            conn,
            &category::Category {
                id: new_id(),
                jurisdiction_id: jid.to_string(),
                code: c.code.clone(),
                name: c.name.clone(),
                group_name: c.group.clone(),
                default_agency_id,
                keywords: category::keywords_json(&keywords),
                created_at: t,
                updated_at: t,
                description: c.description.clone(),
                questions: serde_json::to_string(&c.questions).unwrap_or_else(|_| "[]".to_string()),
            },
        )?;
        report.categories += 1;
    }
    Ok(())
}

/// The official accounts whose handles are new.
fn load_accounts(
    conn: &mut DbConnection,
    jid: &str,
    accounts: &[SeedAccount],
    report: &mut SeedReport,
) -> QueryResult<()> {
    for a in accounts {
        let handle = normalise_handle(&a.handle).unwrap_or_else(|_| a.handle.clone());
        if account::find_by_handle(conn, jid, &a.platform, &handle)?.is_some() {
            continue;
        }
        let agency_id = agency_id_of(conn, jid, a.agency.as_deref())?;
        let t = now();
        account::insert(
            conn,
            &account::Account {
                id: new_id(),
                jurisdiction_id: jid.to_string(),
                platform: a.platform.clone(),
                handle,
                url: a.url.clone(),
                agency_id,
                leadership: a.leadership,
                placeholder: a.placeholder,
                created_at: t,
                updated_at: t,
            },
        )?;
        report.accounts += 1;
    }
    Ok(())
}

/// The id of the agency `code` names, if any.
fn agency_id_of(
    conn: &mut DbConnection,
    jid: &str,
    code: Option<&str>,
) -> QueryResult<Option<String>> {
    match code {
        Some(code) => Ok(agency::find_by_code(conn, jid, code)?.map(|a| a.id)),
        None => Ok(None),
    }
}

/// The national calendar (SKB libur nasional and cuti bersama) applies everywhere in
/// Indonesia; local holidays are the admins' to add.
fn load_holidays(conn: &mut DbConnection, jid: &str, report: &mut SeedReport) -> QueryResult<()> {
    for h in crate::domain::calendar::parse_holidays_csv(BUNDLED_HOLIDAYS)
        .expect("the bundled holiday calendar parses")
    {
        if holiday::exists(conn, jid, h.date, &h.name)? {
            continue;
        }
        holiday::insert(
            conn,
            &holiday::Holiday {
                id: new_id(),
                jurisdiction_id: jid.to_string(),
                date: h.date,
                kind: h.kind.as_str().to_string(),
                name: h.name,
                source: "seed".to_string(),
                created_at: now(),
            },
        )?;
        report.holidays += 1;
    }
    Ok(())
}

fn ensure_region(
    conn: &mut DbConnection,
    jid: &str,
    code: &str,
    name: &str,
    level: &str,
    parent_id: Option<String>,
    report: &mut SeedReport,
) -> Result<String, diesel::result::Error> {
    if let Some(r) = region::find_by_code(conn, jid, code)? {
        return Ok(r.id);
    }
    let t = now();
    let row = region::Region {
        id: new_id(),
        jurisdiction_id: jid.to_string(),
        code: code.to_string(),
        name: name.to_string(),
        level: level.to_string(),
        parent_id,
        created_at: t,
        updated_at: t,
    };
    region::insert(conn, &row)?;
    report.regions += 1;
    Ok(row.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_subang_is_valid_and_complete() {
        let f = SeedFile::parse(BUNDLED_SUBANG).expect("bundled seed parses");
        assert_eq!(f.jurisdiction.code, "subang.go.id");
        assert_eq!(f.jurisdiction.short_code, "SBG");
        assert_eq!(f.jurisdiction.timezone, "Asia/Jakarta");
        assert_eq!(f.regions.len(), 30, "Subang has 30 kecamatan");
        assert!(
            (15..=25).contains(&f.categories.len()),
            "{}",
            f.categories.len()
        );
        assert!(f
            .categories
            .iter()
            .filter(|c| c.code != "lainnya")
            .all(|c| c.agency.is_some()));
        // The kecamatan list is the one in seed/subang-kecamatan.csv.
        let csv = include_str!("../../seed/subang-kecamatan.csv");
        let names: Vec<&str> = csv
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let seeded: Vec<&str> = f.regions.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(seeded, names);
    }

    #[test]
    fn problems_name_their_place() {
        let text = r#"
            [jurisdiction]
            code = "x.go.id"
            short_code = "x"
            name = "X"
            timezone = "Mars/Olympus"
            [[agencies]]
            code = "BAD CODE"
            name = "A"
            kind = "ministry"
            [[categories]]
            code = "c"
            name = "C"
            agency = "nobody"
        "#;
        let e = SeedFile::parse(text).unwrap_err().to_string();
        for place in [
            "jurisdiction.timezone",
            "jurisdiction.short_code",
            "agencies[0].code",
            "agencies[0].kind",
            "categories[0].agency",
        ] {
            assert!(e.contains(place), "{place} missing in {e}");
        }
    }
}
