//! aduan: tracks a public complaint from the social-media comment where it was found to its
//! resolution in the field and the public reply that closes it.
//!
//! [`build_app`] assembles the HTTP application; the CLI (`main.rs`), the tests and the OpenAPI
//! writer all use it, so what they see is what runs.

pub mod api;
pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod clocks;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod escalation;
pub mod ids;
pub mod journal;
pub mod media;
pub mod open311;
pub mod openapi;
pub mod recap;
pub mod recap_facts;
pub mod rollups;
pub mod seed;
pub mod server;
pub mod state;
pub mod storage;
pub mod synthetic;
pub mod telemetry;
pub mod trends;
pub mod webhooks;

pub use server::{build_app, openapi_document};
