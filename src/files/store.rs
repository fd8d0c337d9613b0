//! Where attachment bytes live: a content-addressed store behind a small trait, so that an
//! object store (S3, MinIO) can replace the local folder without touching the handlers.
//! Identical files are stored once, under their SHA-256.

use std::io;
use std::path::{Path, PathBuf};

/// A store of immutable blobs named by their SHA-256 (lowercase hex).
pub trait BlobStore: Send + Sync {
    /// A folder for uploads in progress; a finished one is handed to [`BlobStore::put`].
    fn staging_dir(&self) -> &Path;
    /// Takes the staged file as the blob `sha256` (dropping it when the blob is there already).
    fn put(&self, sha256: &str, staged: &Path) -> io::Result<()>;
    /// The blob's bytes.
    fn get(&self, sha256: &str) -> io::Result<Vec<u8>>;
    /// Every blob with the time it was last stored (written, or offered again by `put`).
    fn list(&self) -> io::Result<Vec<(String, std::time::SystemTime)>>;
    /// Removes the blob (gone already is fine).
    fn delete(&self, sha256: &str) -> io::Result<()>;
}

/// Blobs as files under `<data dir>/attachments/ab/cd/<sha256>`.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
    staging: PathBuf,
}

fn valid_digest(sha256: &str) -> io::Result<()> {
    if sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a SHA-256 digest",
        ))
    }
}

impl FsBlobStore {
    /// Creates the folders when they are missing.
    pub fn open(data_dir: &Path) -> io::Result<FsBlobStore> {
        let root = data_dir.join("attachments");
        let staging = root.join("staging");
        std::fs::create_dir_all(&staging)?;
        Ok(FsBlobStore { root, staging })
    }

    fn path(&self, sha256: &str) -> io::Result<PathBuf> {
        valid_digest(sha256)?;
        Ok(self
            .root
            .join(&sha256[..2])
            .join(&sha256[2..4])
            .join(sha256))
    }
}

impl BlobStore for FsBlobStore {
    fn staging_dir(&self) -> &Path {
        &self.staging
    }

    fn put(&self, sha256: &str, staged: &Path) -> io::Result<()> {
        let target = self.path(sha256)?;
        if target.exists() {
            // Offered again: fresh, so that the orphan sweep leaves it its grace period.
            std::fs::File::options()
                .write(true)
                .open(&target)?
                .set_modified(std::time::SystemTime::now())?;
            return std::fs::remove_file(staged);
        }
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // The staging folder is on the same file system, so this is an atomic rename.
        std::fs::rename(staged, &target)
    }

    fn get(&self, sha256: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(sha256)?)
    }

    fn list(&self) -> io::Result<Vec<(String, std::time::SystemTime)>> {
        let mut out = Vec::new();
        for a in std::fs::read_dir(&self.root)? {
            let a = a?;
            if !a.file_type()?.is_dir() || a.path() == self.staging {
                continue;
            }
            for b in std::fs::read_dir(a.path())? {
                for f in std::fs::read_dir(b?.path())? {
                    let f = f?;
                    let name = f.file_name().to_string_lossy().to_string();
                    if valid_digest(&name).is_ok() {
                        out.push((name, f.metadata()?.modified()?));
                    }
                }
            }
        }
        Ok(out)
    }

    fn delete(&self, sha256: &str) -> io::Result<()> {
        match std::fs::remove_file(self.path(sha256)?) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn identical_content_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open(dir.path()).unwrap();
        let digest = hex::encode(Sha256::digest(b"photo"));
        for _ in 0..2 {
            let staged = store.staging_dir().join(uuid::Uuid::now_v7().to_string());
            std::fs::write(&staged, b"photo").unwrap();
            store.put(&digest, &staged).unwrap();
            assert!(!staged.exists());
        }
        assert_eq!(store.get(&digest).unwrap(), b"photo");
        let files = walk(&dir.path().join("attachments"));
        assert_eq!(files, 1, "one blob on disk");
        assert!(store.get("../../etc/passwd").is_err());
    }

    fn walk(p: &Path) -> usize {
        std::fs::read_dir(p)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    walk(&e.path())
                } else {
                    1
                }
            })
            .sum()
    }
}
