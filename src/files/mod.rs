//! Files: the content-addressed blob store, taking in an upload (staged as it arrives, then
//! accepted into the store), and what is read from a file (its type from its bytes, a photo's
//! EXIF time and position).

pub mod media;
pub mod store;
pub mod upload;
