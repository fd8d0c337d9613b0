-- Work queues: "Perlu tindakan" asks, per agency, division or filing PIC, for the tickets in
-- one status, most urgent first (and newest first). Served from these without walking the
-- agency's whole history (a million tickets: 158,000 of one agency, 1,390 of them routed).
CREATE INDEX tickets_agency_queue ON tickets (jurisdiction_id, agency_id, status, next_due_at, id);
CREATE INDEX tickets_division_queue ON tickets (jurisdiction_id, division_id, status, next_due_at, id);
CREATE INDEX tickets_filer_queue ON tickets (filed_by, status, next_due_at, id);
-- The coordinator's queue: the whole jurisdiction's new and returned tickets by due time.
CREATE INDEX tickets_status_queue ON tickets (jurisdiction_id, status, next_due_at, id);
-- Statistics for the new indexes at once: without them a planner may take a queue index for
-- a plain newest-first list (SQLite does, and reads the whole table).
ANALYZE tickets;
