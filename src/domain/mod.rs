//! Pure rules: no I/O, no HTTP. Everything here is tested on its own.

pub mod policy;
pub mod reference;
