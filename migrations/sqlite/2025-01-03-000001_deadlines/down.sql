DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
CREATE TABLE ticket_events_old (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    seq INTEGER NOT NULL,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    action TEXT NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (ticket_id, seq)
);
INSERT INTO ticket_events_old SELECT * FROM ticket_events WHERE actor_id IS NOT NULL;
DROP TABLE ticket_events;
ALTER TABLE ticket_events_old RENAME TO ticket_events;
CREATE INDEX ticket_events_time ON ticket_events (jurisdiction_id, at);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events BEGIN
    SELECT RAISE(ABORT, 'ticket events are append-only');
END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events BEGIN
    SELECT RAISE(ABORT, 'ticket events are append-only');
END;
DROP TABLE ticket_holds;
DROP INDEX tickets_next_due;
ALTER TABLE tickets DROP COLUMN next_due_at;
DROP TABLE ticket_clocks;
DROP TABLE sla_targets;
DROP TABLE holidays;
ALTER TABLE jurisdictions DROP COLUMN hold_limit_days;
ALTER TABLE jurisdictions DROP COLUMN work_week;
