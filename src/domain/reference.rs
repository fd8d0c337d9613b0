//! Rules of the reference data that tickets point at: the kinds, levels and platforms, and
//! what a valid code, name or account URL is.

/// An enum stored and sent as snake_case text, with `ALL`, `as_str` and `parse`.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// What kind of government body an agency (OPD) is.
    AgencyKind {
        /// Dinas (service office).
        Dinas => "dinas",
        /// Badan (agency).
        Badan => "badan",
        /// Bagian of the Sekretariat Daerah.
        Bagian => "bagian",
        /// Kecamatan office (the camat).
        Kecamatan => "kecamatan",
        /// Anything else (BUMD, RSUD, …).
        Other => "other",
    }
);

text_enum!(
    /// Administrative level of a region.
    RegionLevel {
        Kecamatan => "kecamatan",
        /// Desa or kelurahan.
        Desa => "desa",
    }
);

text_enum!(
    /// A social-media platform with official accounts.
    SocialPlatform {
        Instagram => "instagram",
        Facebook => "facebook",
        Tiktok => "tiktok",
        X => "x",
        Youtube => "youtube",
    }
);

/// Codes are short, lowercase and URL-safe: `dpupr`, `kec-jalancagak`, `dpupr.bina-marga`.
pub fn check_code(code: &str) -> Result<(), &'static str> {
    if code.is_empty() || code.len() > 64 {
        return Err("must have 1 to 64 characters");
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c);
    if !code.chars().all(ok_char) {
        return Err("may hold only lowercase letters, digits, '-', '_' and '.'");
    }
    if !code.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("must start with a letter or digit");
    }
    Ok(())
}

/// Names are what people read: not blank, at most 200 characters.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    let n = name.trim().chars().count();
    if n == 0 {
        return Err("must not be blank");
    }
    if n > 200 {
        return Err("must have at most 200 characters");
    }
    if name.contains(char::is_control) {
        return Err("must not hold control characters");
    }
    Ok(())
}

/// An http(s) URL with a host.
pub fn check_http_url(raw: &str) -> Result<url::Url, &'static str> {
    let u = url::Url::parse(raw.trim()).map_err(|_| "is not a valid URL")?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err("must be an http or https URL");
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("must have a host");
    }
    Ok(u)
}

/// An account handle without the leading `@`: letters, digits, `.`, `_`, `-`.
pub fn normalise_handle(raw: &str) -> Result<String, &'static str> {
    let h = raw.trim().trim_start_matches('@').to_lowercase();
    if h.is_empty() || h.len() > 100 {
        return Err("must have 1 to 100 characters");
    }
    if !h.chars().all(|c| c.is_alphanumeric() || "._-".contains(c)) {
        return Err("may hold only letters, digits, '.', '_' and '-'");
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        for ok in ["dpupr", "kec-jalancagak", "dpupr.bina-marga", "a1", "9"] {
            assert!(check_code(ok).is_ok(), "{ok}");
        }
        for bad in ["", "DPUPR", "jalan rusak", "-x", ".x", "é", &"x".repeat(65)] {
            assert!(check_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert!(check_name("Dinas Kesehatan").is_ok());
        assert!(check_name("   ").is_err());
        assert!(check_name(&"n".repeat(201)).is_err());
    }

    #[test]
    fn urls() {
        assert!(check_http_url("https://www.instagram.com/kangrey.subang/").is_ok());
        assert!(check_http_url("ftp://x.org/a").is_err());
        assert!(check_http_url("not a url").is_err());
        assert!(check_http_url("javascript:alert(1)").is_err());
    }

    #[test]
    fn handles() {
        assert_eq!(
            normalise_handle("@KangRey.Subang").unwrap(),
            "kangrey.subang"
        );
        assert!(normalise_handle("@").is_err());
        assert!(normalise_handle("a b").is_err());
    }

    #[test]
    fn enums_round_trip() {
        for k in AgencyKind::ALL {
            assert_eq!(AgencyKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(RegionLevel::parse("desa"), Some(RegionLevel::Desa));
        assert_eq!(SocialPlatform::parse("twitter"), None);
    }
}

/// A desa lies in a kecamatan; a kecamatan lies in no other region.
pub fn check_region_parent(
    level: RegionLevel,
    parent_level: Option<RegionLevel>,
) -> Result<(), &'static str> {
    match (level, parent_level) {
        (RegionLevel::Kecamatan, None) => Ok(()),
        (RegionLevel::Kecamatan, Some(_)) => Err("a kecamatan has no parent region"),
        (RegionLevel::Desa, Some(RegionLevel::Kecamatan)) => Ok(()),
        (RegionLevel::Desa, _) => Err("a desa needs a kecamatan as its parent"),
    }
}

#[cfg(test)]
mod region_tests {
    use super::*;

    #[test]
    fn region_parents() {
        use RegionLevel::*;
        assert!(check_region_parent(Kecamatan, None).is_ok());
        assert!(check_region_parent(Kecamatan, Some(Kecamatan)).is_err());
        assert!(check_region_parent(Desa, Some(Kecamatan)).is_ok());
        assert!(check_region_parent(Desa, None).is_err());
        assert!(check_region_parent(Desa, Some(Desa)).is_err());
    }
}

impl SocialPlatform {
    /// The registrable domains of the platform's web addresses.
    pub fn domains(self) -> &'static [&'static str] {
        match self {
            SocialPlatform::Instagram => &["instagram.com", "instagr.am"],
            SocialPlatform::Facebook => &["facebook.com", "fb.com", "fb.watch"],
            SocialPlatform::Tiktok => &["tiktok.com"],
            SocialPlatform::X => &["x.com", "twitter.com"],
            SocialPlatform::Youtube => &["youtube.com", "youtu.be"],
        }
    }

    /// Is `host` one of the platform's (or a subdomain such as `www.` or `m.`)?
    pub fn owns_host(self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.domains()
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
    }
}

#[cfg(test)]
mod platform_tests {
    use super::*;

    #[test]
    fn hosts_belong_to_their_platform() {
        assert!(SocialPlatform::Instagram.owns_host("www.instagram.com"));
        assert!(SocialPlatform::X.owns_host("twitter.com"));
        assert!(SocialPlatform::Facebook.owns_host("m.facebook.com"));
        assert!(!SocialPlatform::Facebook.owns_host("notfacebook.com"));
        assert!(!SocialPlatform::Youtube.owns_host("instagram.com"));
    }
}
