//! Background work beside the HTTP server, safe to run in every instance: the escalation of
//! deadlines and holds, the webhook sender, and housekeeping.

pub mod escalation;
pub mod housekeeping;
pub mod webhooks;
