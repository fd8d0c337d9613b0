//! The service layer: the operations aduan offers, callable from any front (the JSON API,
//! Open311, the console), the background jobs and the CLI. A service takes plain typed inputs
//! and the acting user, runs its work in one transaction, and answers rows or domain values (or
//! a `ServiceError`); fronts shape the answer.

pub mod analytics;
pub mod audit;
pub mod clocks;
pub mod duties;
pub mod inbox;
pub mod journal;
pub mod places;
pub mod projections;
pub mod proof;
pub mod public;
pub mod recap;
pub mod recap_facts;
pub mod rollups;
pub mod seed;
pub mod sla_counts;
pub mod tickets;
pub mod uploads;
pub mod users;
