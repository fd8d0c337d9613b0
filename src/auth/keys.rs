//! API keys of external clients (Open311 apps): made at random, shown once, stored as their
//! SHA-256.

use sha2::{Digest, Sha256};

/// Keys start with this, so a leaked one is recognisable (and scanners can look for it).
pub const KEY_PREFIX: &str = "aduan_";
/// How many of a key's first characters are kept to tell keys apart.
const SHOWN: usize = 12;

/// A new random key: the prefix and 40 letters and digits (about 238 bits).
pub fn generate_key() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    format!(
        "{KEY_PREFIX}{}",
        Alphanumeric.sample_string(&mut rand::rng(), 40)
    )
}

/// What is stored of a key: its SHA-256, hex. (A slow hash adds nothing for 238 random bits
/// and would make every request pay for it.)
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.trim().as_bytes()))
}

/// The part of a key shown in lists.
pub fn shown_part(key: &str) -> String {
    key.chars().take(SHOWN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_hashed() {
        let (a, b) = (generate_key(), generate_key());
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() == KEY_PREFIX.len() + 40);
        assert_eq!(hash_key(&a), hash_key(&format!(" {a} ")));
        assert_ne!(hash_key(&a), hash_key(&b));
        assert_eq!(hash_key(&a).len(), 64);
        assert_eq!(shown_part(&a).len(), 12);
    }
}
