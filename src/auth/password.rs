//! Password rules and argon2id hashing.

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher};

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 256;

/// At least 10 characters (NIST SP 800-63B favours length over composition rules).
pub fn check_strength(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err(format!("must have at least {MIN_LENGTH} characters"));
    }
    if n > MAX_LENGTH {
        return Err(format!("must have at most {MAX_LENGTH} characters"));
    }
    Ok(())
}

/// An argon2id PHC string with a fresh random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let h: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(h.to_string())
}

/// Does `password` match the stored hash? A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    MEMORY.with_borrow_mut(|memory| verify_in(memory, password, stored))
}

/// Blocks argon2 may use at most for a check (256 MiB; the default cost is 19 MiB).
const MAX_BLOCKS: usize = 256 * 1024;

thread_local! {
    /// Argon2's working memory, kept by each thread that checks passwords: the 19 MiB are
    /// allocated once per thread, not once per check. (Allocated per check, glibc kept freed
    /// blocks in ever more arenas: a flood of sign-ins left hundreds of MiB resident.)
    static MEMORY: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// [`verify`] with argon2's blocks in `memory` (grown to the stored hash's cost).
fn verify_in(memory: &mut Vec<argon2::Block>, password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(params) = argon2::Params::try_from(&parsed) else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version {
        Some(v) => match argon2::Version::try_from(v) {
            Ok(v) => v,
            Err(_) => return false,
        },
        None => argon2::Version::default(),
    };
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        return false;
    }
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt.as_ref(),
        &mut out,
        &mut memory[..blocks],
    );
    // `Output`'s equality is constant-time.
    hashed.is_ok()
        && argon2::password_hash::phc::Output::try_from(&out[..]).is_ok_and(|o| o == *expected)
}

pub fn verify_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("dummy password for timing").unwrap_or_default());
    let _ = verify(password, dummy);
}

/// A random password for the bootstrap admin and `aduan user add` (20 letters and digits).
pub fn generate() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterx", &a));
        assert!(!verify("x", "not a hash"));
    }

    /// Hashes made with other costs and variants verify too, with the kept memory reused.
    #[test]
    fn other_parameters_verify() {
        use argon2::{Algorithm, Params, Version};
        for (algorithm, m) in [(Algorithm::Argon2id, 1024), (Algorithm::Argon2i, 4096)] {
            let params = Params::new(m, 2, 1, None).unwrap();
            let stored = Argon2::new(algorithm, Version::V0x13, params)
                .hash_password(b"another passphrase")
                .unwrap()
                .to_string();
            assert!(verify("another passphrase", &stored), "{stored}");
            assert!(!verify("another passphrasf", &stored));
        }
        assert!(verify(
            "correct horse battery",
            &hash("correct horse battery").unwrap()
        ));
    }

    #[test]
    fn strength() {
        assert!(check_strength("123456789").is_err());
        assert!(check_strength("1234567890").is_ok());
        assert!(check_strength(&"x".repeat(257)).is_err());
        assert_eq!(generate().len(), 20);
    }
}
