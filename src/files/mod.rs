//! Files: the content-addressed blob store and what is read from an uploaded file (its type
//! from its bytes, a photo's EXIF time and position).

pub mod media;
pub mod store;
pub mod upload;
