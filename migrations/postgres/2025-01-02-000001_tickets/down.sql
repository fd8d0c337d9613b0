DROP TABLE field_visit_attachments;
DROP TABLE field_visits;
DROP TABLE attachments;
DROP TRIGGER ticket_events_no_change ON ticket_events;
DROP TABLE ticket_events;
DROP FUNCTION ticket_events_append_only();
DROP TABLE tickets;
DROP TABLE ticket_counters;
