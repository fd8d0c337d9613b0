//! Where a complaint came from: the channel, and the canonical key of the source comment.
//!
//! One comment is often copied in different forms — `www.`/`m.` hosts, `twitter.com` or `x.com`,
//! `youtu.be` links, tracking parameters, trailing slashes — by different PICs. [`comment_key`]
//! maps all of them to one key, using the comment's own id where the URL carries one, so that
//! the database can refuse a second ticket for the same comment.

use sha2::{Digest, Sha256};

use super::reference::{text_enum, SocialPlatform};

text_enum!(
    /// The channel a complaint arrived by: a social platform, or another way in.
    Channel {
        Instagram => "instagram",
        Facebook => "facebook",
        Tiktok => "tiktok",
        X => "x",
        Youtube => "youtube",
        Whatsapp => "whatsapp",
        Web => "web",
        WalkIn => "walk_in",
        /// An Open311 GeoReport v2 client, through its API key.
        Open311 => "open311",
        Other => "other",
    }
);

impl Channel {
    /// The social platform, for the channels that are one (they need a comment URL).
    pub fn social(self) -> Option<SocialPlatform> {
        match self {
            Channel::Instagram => Some(SocialPlatform::Instagram),
            Channel::Facebook => Some(SocialPlatform::Facebook),
            Channel::Tiktok => Some(SocialPlatform::Tiktok),
            Channel::X => Some(SocialPlatform::X),
            Channel::Youtube => Some(SocialPlatform::Youtube),
            _ => None,
        }
    }
}

/// Query parameters that only track who shared a link; never part of a comment's identity.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "igshid",
    "igsh",
    "si",
    "ref",
    "ref_src",
    "ref_url",
    "feature",
    "mibextid",
    "rdid",
    "share_url",
    "sfnsn",
    "_r",
    "_t",
    "is_from_webapp",
    "sender_device",
    "s",
    "t",
    "__tn__",
    "__cft__[0]",
    "app",
    "pp",
];

fn is_tracking(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_") || TRACKING.contains(&n.as_str())
}

/// What a URL identifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// The comment itself, by its own id on the platform.
    Comment(String),
    /// Only the post, video or page the comment is on (or an address we cannot read further).
    Page(String),
}

/// A comment URL after canonicalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalUrl {
    /// The URL as stored: https, canonical host, no tracking parameters or fragment.
    pub url: String,
    pub located: Located,
}

/// The host without `www.`, `m.` and similar prefixes, lowercased.
fn bare_host(host: &str) -> String {
    let mut h = host.to_ascii_lowercase();
    h = h.trim_end_matches('.').to_string();
    for prefix in [
        "www.", "m.", "mobile.", "web.", "mbasic.", "touch.", "music.",
    ] {
        if let Some(rest) = h.strip_prefix(prefix) {
            h = rest.to_string();
        }
    }
    h
}

/// Parses an http(s) URL (adding `https://` when a PIC pasted it without a scheme).
fn parse(raw: &str) -> Result<url::Url, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("must not be empty".into());
    }
    if raw.len() > 2048 {
        return Err("must have at most 2048 characters".into());
    }
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}")
    };
    let u = url::Url::parse(&with_scheme).map_err(|_| "is not a valid URL".to_string())?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err("must be an http or https URL".into());
    }
    match u.host_str() {
        Some(h) if h.contains('.') || h == "localhost" => Ok(u),
        _ => Err("must have a host name".into()),
    }
}

/// Path segments without empty ones (so trailing and doubled slashes do not matter).
fn segments(u: &url::Url) -> Vec<String> {
    u.path_segments()
        .map(|s| s.filter(|x| !x.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

fn query(u: &url::Url, name: &str) -> Option<String> {
    u.query_pairs()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
}

/// The segment after `name`, e.g. the id after `status`.
fn after(segs: &[String], names: &[&str]) -> Option<String> {
    segs.iter()
        .position(|s| names.contains(&s.to_ascii_lowercase().as_str()))
        .and_then(|i| segs.get(i + 1))
        .cloned()
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c))
}

/// Generic form: canonical host, path without trailing slash, non-tracking parameters sorted.
fn generic(u: &url::Url, host: &str) -> String {
    let segs = segments(u);
    let mut params: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    let mut out = format!("https://{host}/{}", segs.join("/"));
    if !params.is_empty() {
        let q = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        out.push('?');
        out.push_str(&q);
    }
    out
}

/// The social channel a pasted address belongs to, with its canonical form (none for an
/// address of no social platform, or not an address at all).
pub fn recognise(raw: &str) -> Option<(Channel, CanonicalUrl)> {
    Channel::ALL
        .iter()
        .filter(|c| c.social().is_some())
        .find_map(|c| canonicalise(*c, raw).ok().map(|u| (*c, u)))
}

/// Canonicalises a comment URL for `channel`. Social channels need an address on their own
/// platform; other channels accept any http(s) address, normalised generically.
pub fn canonicalise(channel: Channel, raw: &str) -> Result<CanonicalUrl, String> {
    let u = parse(raw)?;
    let host = bare_host(u.host_str().unwrap_or_default());
    let Some(platform) = channel.social() else {
        let url = generic(&u, &host);
        return Ok(CanonicalUrl {
            located: Located::Page(format!("url:{}", url.trim_start_matches("https://"))),
            url,
        });
    };
    if !platform.owns_host(&host) {
        return Err(format!(
            "is not an address on {} (expected {})",
            platform.as_str(),
            platform.domains().join(" or ")
        ));
    }
    let segs = segments(&u);
    let p = platform.as_str();
    let (canonical_host, located) = match platform {
        SocialPlatform::Instagram => {
            let post_at = segs.iter().position(|s| {
                ["p", "reel", "reels", "tv"].contains(&s.to_ascii_lowercase().as_str())
            });
            let post = post_at
                .and_then(|i| segs.get(i + 1))
                .cloned()
                .filter(|c| is_id(c));
            // `c/<id>` and `r/<id>` come after the post's shortcode, which may itself be `c`.
            let rest = &segs[post_at.map_or(0, |i| (i + 2).min(segs.len()))..];
            let comment = after(rest, &["r"])
                .or_else(|| after(rest, &["c"]))
                .or_else(|| query(&u, "comment_id"))
                .filter(|c| is_id(c));
            let located = match (comment, post) {
                (Some(c), _) => Located::Comment(format!("{p}:comment:{c}")),
                (None, Some(post)) => Located::Page(format!("{p}:post:{post}")),
                (None, None) => Located::Page(format!("{p}:url:{}", generic_path(&u))),
            };
            ("www.instagram.com", located)
        }
        SocialPlatform::Facebook => {
            let comment = query(&u, "reply_comment_id")
                .or_else(|| query(&u, "comment_id"))
                .map(|c| facebook_comment_id(&c))
                .filter(|c| is_id(c));
            let post = query(&u, "story_fbid")
                .or_else(|| query(&u, "fbid"))
                .or_else(|| query(&u, "v"))
                .or_else(|| {
                    after(
                        &segs,
                        &["posts", "videos", "reel", "permalink", "p", "r", "v"],
                    )
                })
                .filter(|c| is_id(c));
            let located = match (comment, post) {
                (Some(c), _) => Located::Comment(format!("{p}:comment:{c}")),
                (None, Some(post)) if host != "fb.watch" => {
                    Located::Page(format!("{p}:post:{post}"))
                }
                _ => Located::Page(format!("{p}:url:{}", generic_path(&u))),
            };
            let host = if host == "fb.watch" {
                "fb.watch"
            } else {
                "www.facebook.com"
            };
            (host, located)
        }
        SocialPlatform::Tiktok => {
            let comment = query(&u, "share_comment_id")
                .or_else(|| query(&u, "comment_id"))
                .filter(|c| is_id(c));
            let video = after(&segs, &["video", "photo", "v"]).filter(|c| is_id(c));
            let short = host != "tiktok.com";
            let located = match (comment, video) {
                (Some(c), _) => Located::Comment(format!("{p}:comment:{c}")),
                (None, Some(v)) if !short => Located::Page(format!("{p}:video:{v}")),
                _ => Located::Page(format!("{p}:url:{host}/{}", segs.join("/"))),
            };
            let host = if short {
                host.as_str()
            } else {
                "www.tiktok.com"
            };
            return Ok(CanonicalUrl {
                url: generic(&u, host),
                located,
            });
        }
        SocialPlatform::X => {
            let status = after(&segs, &["status", "statuses"]).filter(|c| is_id(c));
            let located = match status {
                // On X every reply is a status of its own: its id is the comment's id.
                Some(s) => Located::Comment(format!("{p}:status:{s}")),
                None => Located::Page(format!("{p}:url:{}", generic_path(&u))),
            };
            ("x.com", located)
        }
        SocialPlatform::Youtube => {
            let comment = query(&u, "lc").filter(|c| is_id(c));
            let video = if host == "youtu.be" {
                segs.first().cloned()
            } else {
                query(&u, "v").or_else(|| after(&segs, &["shorts", "live", "embed", "v"]))
            }
            .filter(|c| is_id(c));
            let located = match (comment, &video) {
                (Some(c), _) => Located::Comment(format!("{p}:comment:{c}")),
                (None, Some(v)) => Located::Page(format!("{p}:video:{v}")),
                (None, None) => Located::Page(format!("{p}:url:{}", generic_path(&u))),
            };
            // youtu.be/ID?lc=… and watch?v=ID&lc=… are one address.
            let url = match &video {
                Some(v) => {
                    let mut s = format!("https://www.youtube.com/watch?v={v}");
                    if let Located::Comment(c) = &located {
                        s.push_str("&lc=");
                        s.push_str(c.rsplit(':').next().unwrap_or_default());
                    }
                    s
                }
                None => generic(&u, "www.youtube.com"),
            };
            return Ok(CanonicalUrl { url, located });
        }
    };
    Ok(CanonicalUrl {
        url: generic(&u, canonical_host),
        located,
    })
}

/// Path and identifying parameters of an address we cannot read further, for a `…:url:` key.
fn generic_path(u: &url::Url) -> String {
    generic(u, "").trim_start_matches("https:///").to_string()
}

/// Facebook writes a comment id as `<post>_<comment>`, or base64 of `comment:<post>_<comment>`.
fn facebook_comment_id(raw: &str) -> String {
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("comment:").map(str::to_string));
    let id = decoded.unwrap_or_else(|| raw.to_string());
    id.rsplit('_').next().unwrap_or(&id).to_string()
}

/// A short fingerprint of who said what, for comments that have no id of their own.
fn fingerprint(author: Option<&str>, text: &str) -> String {
    let author = author
        .map(|a| a.trim().trim_start_matches('@').to_lowercase())
        .unwrap_or_default();
    let text = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let digest = Sha256::digest(format!("{author}\n{text}").as_bytes());
    hex::encode(&digest[..12])
}

/// The key a comment is known by within a jurisdiction, or `None` when nothing identifies it
/// (a walk-in complaint with no name given: every such ticket is its own).
///
/// - a URL with the comment's own id: `instagram:comment:180345…`, `x:status:190…`;
/// - a URL of the post only: the post's key with a fingerprint of author and text, so the same
///   comment copied twice is one ticket while other comments on the post are not;
/// - no URL: the channel with the fingerprint, when an author is known.
pub fn comment_key(
    channel: Channel,
    url: Option<&CanonicalUrl>,
    author: Option<&str>,
    text: &str,
) -> Option<String> {
    let author = author.filter(|a| !a.trim().is_empty());
    match url.map(|u| &u.located) {
        Some(Located::Comment(key)) => Some(key.clone()),
        Some(Located::Page(key)) => Some(format!("{key}#{}", fingerprint(author, text))),
        None => author.map(|a| format!("{}:msg:{}", channel.as_str(), fingerprint(Some(a), text))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_links_name_their_platform() {
        let (c, u) =
            recognise("https://instagram.com/p/DLq3abcXYZ1/c/18034567890123456/?igsh=x").unwrap();
        assert_eq!(c, Channel::Instagram);
        assert_eq!(
            u.located,
            Located::Comment("instagram:comment:18034567890123456".into())
        );
        let (c, _) =
            recognise("https://www.facebook.com/pemkabsubang/posts/123456789?comment_id=987654321")
                .unwrap();
        assert_eq!(c, Channel::Facebook);
        assert!(recognise("https://example.com/p/1").is_none());
        assert!(recognise("jalan rusak").is_none());
    }

    fn key(channel: Channel, raw: &str) -> String {
        let c = canonicalise(channel, raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        comment_key(channel, Some(&c), Some("warga"), "jalan rusak").unwrap()
    }

    /// Every URL in a group is the same comment; groups differ from one another.
    fn same(channel: Channel, expected: &str, forms: &[&str]) {
        for f in forms {
            assert_eq!(key(channel, f), expected, "{f}");
        }
    }

    #[test]
    fn instagram() {
        same(
            Channel::Instagram,
            "instagram:comment:18034567890123456",
            &[
                "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890123456/",
                "https://instagram.com/p/DLq3abcXYZ1/c/18034567890123456",
                "http://m.instagram.com/p/DLq3abcXYZ1/c/18034567890123456/?igsh=MTc4&utm_source=ig_web",
                "HTTPS://WWW.INSTAGRAM.COM/p/DLq3abcXYZ1/c/18034567890123456/#x",
                "instagram.com/p/DLq3abcXYZ1/c/18034567890123456/",
                "https://www.instagram.com/kangrey.subang/p/DLq3abcXYZ1/c/18034567890123456/",
                "https://www.instagram.com/reel/DLq3abcXYZ1/c/18034567890123456/",
                "https://www.instagram.com/p/DLq3abcXYZ1/?comment_id=18034567890123456",
            ],
        );
        // A reply is its own comment.
        assert_eq!(
            key(
                Channel::Instagram,
                "https://www.instagram.com/p/DLq3abcXYZ1/c/18034567890123456/r/18099/"
            ),
            "instagram:comment:18099"
        );
        // A shortcode that reads like the path's own words is still a shortcode.
        assert_eq!(
            key(
                Channel::Instagram,
                "https://www.instagram.com/p/R/c/18034567890000001/"
            ),
            "instagram:comment:18034567890000001"
        );
        assert!(key(Channel::Instagram, "https://www.instagram.com/p/c/")
            .starts_with("instagram:post:c#"));
        // Shortcodes are case-sensitive: two posts.
        let a = key(Channel::Instagram, "https://www.instagram.com/p/AbC/");
        let b = key(Channel::Instagram, "https://www.instagram.com/p/abc/");
        assert_ne!(a, b);
        assert!(a.starts_with("instagram:post:AbC#"), "{a}");
        let c = canonicalise(
            Channel::Instagram,
            "https://m.instagram.com/p/DLq3abcXYZ1/c/1/?igsh=x",
        )
        .unwrap();
        assert_eq!(c.url, "https://www.instagram.com/p/DLq3abcXYZ1/c/1");
    }

    #[test]
    fn facebook() {
        same(
            Channel::Facebook,
            "facebook:comment:987654321",
            &[
                "https://www.facebook.com/pemkabsubang/posts/pfbid02abc?comment_id=987654321",
                "https://m.facebook.com/pemkabsubang/posts/pfbid02abc?comment_id=987654321&mibextid=Nif5oz",
                "https://fb.com/pemkabsubang/posts/pfbid02abc/?comment_id=987654321",
                "https://web.facebook.com/permalink.php?story_fbid=111&id=222&comment_id=111_987654321",
                "https://www.facebook.com/pemkabsubang/posts/111?comment_id=Y29tbWVudDoxMTFfOTg3NjU0MzIx",
                "https://www.facebook.com/photo.php?fbid=5&set=a.1&comment_id=987654321&__tn__=R*F",
            ],
        );
        same(
            Channel::Facebook,
            "facebook:comment:42",
            &["https://www.facebook.com/x/posts/1?comment_id=987654321&reply_comment_id=42"],
        );
        let a = key(
            Channel::Facebook,
            "https://www.facebook.com/pemkabsubang/posts/123?fbclid=abc",
        );
        let b = key(
            Channel::Facebook,
            "https://m.facebook.com/pemkabsubang/posts/123/",
        );
        assert_eq!(a, b);
        assert!(a.starts_with("facebook:post:123#"));
    }

    #[test]
    fn tiktok() {
        same(
            Channel::Tiktok,
            "tiktok:comment:7345",
            &[
                "https://www.tiktok.com/@diskominfo.subang/video/7300?share_comment_id=7345&_r=1&_t=8abc",
                "https://m.tiktok.com/@diskominfo.subang/video/7300/?comment_id=7345",
                "https://vm.tiktok.com/ZSabc/?share_comment_id=7345",
            ],
        );
        let a = key(
            Channel::Tiktok,
            "https://www.tiktok.com/@diskominfo.subang/video/7300?is_from_webapp=1&sender_device=pc",
        );
        assert!(a.starts_with("tiktok:video:7300#"), "{a}");
        // Short share links cannot be resolved offline; case matters in their code.
        let s1 = key(Channel::Tiktok, "https://vm.tiktok.com/ZSabc/");
        let s2 = key(Channel::Tiktok, "vm.tiktok.com/ZSabc");
        let s3 = key(Channel::Tiktok, "https://vm.tiktok.com/ZSABC/");
        assert_eq!(s1, s2);
        assert_ne!(s1, s3);
    }

    #[test]
    fn x_and_twitter() {
        same(
            Channel::X,
            "x:status:1809876543210987654",
            &[
                "https://x.com/warga_subang/status/1809876543210987654",
                "https://twitter.com/warga_subang/status/1809876543210987654?s=20&t=abc",
                "https://mobile.twitter.com/Warga_Subang/status/1809876543210987654/",
                "https://www.x.com/i/web/status/1809876543210987654",
                "https://x.com/warga_subang/status/1809876543210987654/photo/1",
                "https://twitter.com/warga_subang/statuses/1809876543210987654",
            ],
        );
        let c = canonicalise(Channel::X, "https://twitter.com/a/status/1?s=20").unwrap();
        assert_eq!(c.url, "https://x.com/a/status/1");
    }

    #[test]
    fn youtube() {
        same(
            Channel::Youtube,
            "youtube:comment:UgxAbC123-_x",
            &[
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgxAbC123-_x",
                "https://youtu.be/dQw4w9WgXcQ?lc=UgxAbC123-_x&si=abc",
                "https://m.youtube.com/watch?lc=UgxAbC123-_x&v=dQw4w9WgXcQ&feature=share",
                "https://www.youtube.com/shorts/dQw4w9WgXcQ?lc=UgxAbC123-_x",
            ],
        );
        // Comment ids are case-sensitive.
        assert_ne!(
            key(Channel::Youtube, "https://youtu.be/v?lc=Ugx"),
            key(Channel::Youtube, "https://youtu.be/v?lc=UGX")
        );
        let c = canonicalise(
            Channel::Youtube,
            "https://youtu.be/dQw4w9WgXcQ?lc=Ugx1&si=z",
        )
        .unwrap();
        assert_eq!(c.url, "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=Ugx1");
        let v1 = key(Channel::Youtube, "https://youtu.be/dQw4w9WgXcQ");
        let v2 = key(
            Channel::Youtube,
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        );
        assert_eq!(v1, v2);
    }

    #[test]
    fn generic_urls() {
        let k = |raw| {
            let c = canonicalise(Channel::Web, raw).unwrap();
            match c.located {
                Located::Page(k) => k,
                Located::Comment(k) => k,
            }
        };
        assert_eq!(
            k("https://WWW.Lapor.Subang.go.id/aduan/?kategori=jalan&id=7&utm_source=wa#top"),
            "url:lapor.subang.go.id/aduan?id=7&kategori=jalan"
        );
        assert_eq!(
            k("http://lapor.subang.go.id:80/aduan?id=7&kategori=jalan"),
            "url:lapor.subang.go.id/aduan?id=7&kategori=jalan"
        );
    }

    #[test]
    fn wrong_or_broken_urls() {
        let e = canonicalise(Channel::Instagram, "https://www.facebook.com/p/1").unwrap_err();
        assert!(e.contains("instagram"), "{e}");
        assert!(canonicalise(Channel::X, "https://notx.com/a/status/1").is_err());
        assert!(canonicalise(Channel::Facebook, "ftp://facebook.com/x").is_err());
        assert!(canonicalise(Channel::Facebook, "javascript:alert(1)").is_err());
        assert!(canonicalise(Channel::Web, "not a url").is_err());
        assert!(canonicalise(Channel::Web, "").is_err());
        assert!(canonicalise(Channel::Web, &format!("https://a.id/{}", "x".repeat(3000))).is_err());
    }

    #[test]
    fn comments_without_ids() {
        let post = canonicalise(Channel::Instagram, "https://www.instagram.com/p/AbC/").unwrap();
        let one = comment_key(
            Channel::Instagram,
            Some(&post),
            Some("@Warga"),
            "Jalan  rusak",
        );
        let two = comment_key(
            Channel::Instagram,
            Some(&post),
            Some("warga"),
            "jalan rusak ",
        );
        let other = comment_key(Channel::Instagram, Some(&post), Some("warga"), "lampu mati");
        assert_eq!(one, two);
        assert_ne!(one, other);
        // No URL: keyed by author and text when an author is known, else not at all.
        let wa = comment_key(Channel::Whatsapp, None, Some("0812"), "banjir");
        assert!(wa
            .as_deref()
            .is_some_and(|k| k.starts_with("whatsapp:msg:")));
        assert_eq!(comment_key(Channel::WalkIn, None, None, "banjir"), None);
        assert_eq!(
            comment_key(Channel::WalkIn, None, Some("  "), "banjir"),
            None
        );
    }
}
