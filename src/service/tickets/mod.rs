//! Tickets: filing a complaint, acting on it through its lifecycle, recording field visits,
//! and reading tickets as the caller may see them. Every write is one transaction that also
//! appends the ticket's event through the journal.

mod act;
mod commands;
mod details;
mod file;
mod list;
mod visits;

pub use act::{commit, perform, Change};
pub use commands::{
    act, AssignTicket, CloseTicket, Command, HoldTicket, MergeTicket, ReferTicket, RejectTicket,
    ReopenTicket, ReplyToTicket, ResolveTicket, ReturnTicket, RouteTicket, StartTicket,
};
pub use details::{details, details_of, load_visible, load_visible_by_code, TicketDetails};
pub use file::{
    already_filed, check, file, file_in, once, require_filer, FileTicket, Filed, Filing, Known,
    Receipt, SourceInput,
};
pub use list::{list, search_words, TicketQuery};
pub use visits::{record_visit, visits_of, CreateFieldVisit, Visit};
