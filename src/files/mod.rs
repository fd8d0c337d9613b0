//! Files: the content-addressed blob store, taking in an upload (staged as it arrives, then
//! accepted into the store), and what is read from a file (its type from its bytes, a photo's
//! EXIF time and position, a small preview of a photo).

pub mod media;
pub mod store;
pub mod thumbnail;
pub mod upload;
