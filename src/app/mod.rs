//! Wiring: the HTTP server's assembly, the work before it listens, logging, and the OpenAPI
//! document's frame. The only place that knows every front.

pub mod bootstrap;
pub mod bounds;
pub mod idempotency;
pub mod openapi;
pub mod server;
pub mod telemetry;
