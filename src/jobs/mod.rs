//! Background work beside the HTTP server, safe to run in every instance: the escalation of
//! deadlines and holds, and the webhook sender.

pub mod escalation;
pub mod webhooks;
