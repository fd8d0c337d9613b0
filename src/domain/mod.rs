//! Pure rules: no I/O, no HTTP. Everything here is tested on its own.

pub mod analytics;
pub mod calendar;
pub mod duty;
pub mod inbox;
pub mod lifecycle;
pub mod location;
pub mod open311;
pub mod planning;
pub mod policy;
pub mod privacy;
pub mod questions;
pub mod recap;
pub mod reference;
pub mod routing;
pub mod sla;
pub mod source;
