//! aduan: tracks a public complaint from the social-media comment where it was found to its
//! resolution in the field and the public reply that closes it.
//!
//! The layers, top down (ARCHITECTURE.md draws them): the fronts (`api`, `open311`), the
//! background `jobs` and the `cli` call the `service` layer; services use `domain` (pure rules),
//! `db` (storage), `auth` and `files`. `app` wires the server together. [`build_app`] assembles
//! the HTTP application; the CLI (`main.rs`), the tests and the OpenAPI writer all use it, so
//! what they see is what runs.

pub mod api;
pub mod app;
pub mod auth;
pub mod cards;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod files;
pub mod ids;
pub mod jobs;
pub mod limits;
pub mod open311;
pub mod pages;
pub mod service;
pub mod state;

pub use app::server::{build_app, openapi_document};
