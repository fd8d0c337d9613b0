//! Access tokens: HS256 JWTs with the algorithm pinned and `exp`, `iss` and `aud` checked.

use std::path::Path;

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "aduan";
pub const AUDIENCE: &str = "aduan-api";
const SECRET_FILE: &str = "jwt-secret";

/// What a token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The user's jurisdiction.
    pub jur: String,
    /// The user's token version when issued; bumped on deactivation or password change.
    pub ver: i32,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// The token's own id, by which it is signed out (absent in tokens made before).
    #[serde(default)]
    pub jti: Option<String>,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_seconds: i64,
    /// The key of [`JwtKeys::tag`], derived from the secret.
    tag_key: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token has expired; sign in again")]
    Expired,
    #[error("the token is not valid")]
    Invalid,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_minutes: i64) -> JwtKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_seconds: ttl_minutes * 60,
            tag_key: {
                use sha2::Digest;
                sha2::Sha256::new()
                    .chain_update(b"aduan tag key\0")
                    .chain_update(secret)
                    .finalize()
                    .to_vec()
            },
        }
    }

    /// A signed token and its lifetime in seconds.
    pub fn issue(
        &self,
        user_id: &str,
        jurisdiction_id: &str,
        version: i32,
    ) -> anyhow::Result<(String, i64)> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            jur: jurisdiction_id.to_string(),
            ver: version,
            iat: now,
            exp: now + self.ttl_seconds,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: Some(uuid::Uuid::now_v7().to_string()),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, self.ttl_seconds))
    }

    /// An HMAC-SHA256 of `value` for `purpose` under a key derived from the secret (base64url):
    /// a value only this server can make, such as the CSRF token of a console session.
    pub fn tag(&self, purpose: &str, value: &str) -> String {
        use base64::Engine;
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.tag_key)
            .expect("HMAC takes a key of any length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        use jsonwebtoken::errors::ErrorKind;
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

/// The configured secret, or the one kept in the data directory (created on first start,
/// readable by the owner only) so that tokens survive restarts.
pub fn load_or_create_secret(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = configured {
        return Ok(s.as_bytes().to_vec());
    }
    let path = data_dir.join(SECRET_FILE);
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => return Ok(s.trim().as_bytes().to_vec()),
        Ok(_) => anyhow::bail!(
            "{} is too short; delete it to make a new one",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
    }
    std::fs::create_dir_all(data_dir)?;
    let mut bytes = [0u8; 48];
    rand::Rng::fill(&mut rand::rng(), &mut bytes[..]);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &secret)?;
    tracing::info!(path = %path.display(), "generated a JWT secret");
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn issued_tokens_verify() {
        let keys = JwtKeys::new(SECRET, 10);
        let (t, ttl) = keys.issue("u1", "j1", 3).unwrap();
        assert_eq!(ttl, 600);
        let c = keys.verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.jur.as_str(), c.ver), ("u1", "j1", 3));
    }

    #[test]
    fn other_secret_algorithm_audience_or_expiry_fail() {
        let keys = JwtKeys::new(SECRET, 10);
        let other = JwtKeys::new(b"another secret another secret 123", 10);
        let (t, _) = other.issue("u1", "j1", 0).unwrap();
        assert!(matches!(keys.verify(&t), Err(TokenError::Invalid)));

        let now = chrono::Utc::now().timestamp();
        let mut claims = Claims {
            sub: "u1".into(),
            jur: "j1".into(),
            ver: 0,
            iat: now - 7200,
            exp: now - 3600,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: Some(uuid::Uuid::now_v7().to_string()),
        };
        let sign = |c: &Claims, alg| {
            encode(&Header::new(alg), c, &EncodingKey::from_secret(SECRET)).unwrap()
        };
        assert!(matches!(
            keys.verify(&sign(&claims, Algorithm::HS256)),
            Err(TokenError::Expired)
        ));
        claims.exp = now + 3600;
        assert!(keys.verify(&sign(&claims, Algorithm::HS256)).is_ok());
        assert!(
            keys.verify(&sign(&claims, Algorithm::HS512)).is_err(),
            "alg pinned"
        );
        claims.aud = "someone-else".into();
        assert!(keys.verify(&sign(&claims, Algorithm::HS256)).is_err());
        claims.aud = AUDIENCE.into();
        claims.iss = "evil".into();
        assert!(keys.verify(&sign(&claims, Algorithm::HS256)).is_err());
        assert!(keys.verify("not.a.token").is_err());
    }

    #[test]
    fn generated_secret_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create_secret(None, dir.path()).unwrap();
        let b = load_or_create_secret(None, dir.path()).unwrap();
        assert_eq!(a, b);
        assert!(a.len() >= 32);
        let c =
            load_or_create_secret(Some("configured-secret-configured-secret"), dir.path()).unwrap();
        assert_eq!(c, b"configured-secret-configured-secret");
    }
}
