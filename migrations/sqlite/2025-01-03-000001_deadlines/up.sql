-- Deadlines (SQLite twin of the PostgreSQL migration): calendars, SLA policies and clocks, holds, system events, webhooks and their outbox.

-- The working week and how long a ticket may wait on hold before it is withdrawn.
ALTER TABLE jurisdictions ADD COLUMN work_week TEXT NOT NULL DEFAULT 'mon_fri'
    CHECK (work_week IN ('mon_fri', 'mon_sat'));
ALTER TABLE jurisdictions ADD COLUMN hold_limit_days INTEGER NOT NULL DEFAULT 30
    CHECK (hold_limit_days > 0);

CREATE TABLE holidays (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    date DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('national', 'cuti_bersama', 'local')),
    name TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('seed', 'manual', 'ical')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_id, date, name)
);

-- SLA targets: scope 'default' for the jurisdiction, or a category id for its override.
CREATE TABLE sla_targets (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    scope TEXT NOT NULL,
    clock TEXT NOT NULL CHECK (clock IN ('first_response', 'verify', 'follow_up', 'resolve')),
    enabled BOOLEAN NOT NULL,
    target INTEGER NOT NULL CHECK (target >= 0),
    unit TEXT NOT NULL CHECK (unit IN ('working_days', 'calendar_days', 'hours', 'minutes')),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (jurisdiction_id, scope, clock)
);

-- One row per clock a ticket has run; restarting a clock rewrites its row (the events keep
-- the history).
CREATE TABLE ticket_clocks (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    clock TEXT NOT NULL,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    state TEXT NOT NULL CHECK (state IN ('running', 'met', 'breached', 'paused')),
    target INTEGER NOT NULL,
    unit TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    stopped_at TIMESTAMP,
    paused_at TIMESTAMP,
    PRIMARY KEY (ticket_id, clock)
);
-- The escalation task looks for running clocks past their due time.
CREATE INDEX ticket_clocks_due ON ticket_clocks (state, due_at);

-- The earliest due time of the ticket's clocks that are still counting (for overdue lists and
-- sorting by due time).
ALTER TABLE tickets ADD COLUMN next_due_at TIMESTAMP;
CREATE INDEX tickets_next_due ON tickets (jurisdiction_id, next_due_at, id);

-- Tickets waiting for the complainant's information.
CREATE TABLE ticket_holds (
    ticket_id TEXT NOT NULL PRIMARY KEY REFERENCES tickets (id),
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    held_at TIMESTAMP NOT NULL,
    held_by TEXT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL
);
CREATE INDEX ticket_holds_since ON ticket_holds (held_at);

-- Events written by aduan itself (a breached deadline, a withdrawal) have no actor. SQLite
-- cannot drop NOT NULL, so the table is rebuilt (dropping a table fires no delete trigger).
CREATE TABLE ticket_events_new (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    seq INTEGER NOT NULL,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    action TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (ticket_id, seq)
);
INSERT INTO ticket_events_new SELECT * FROM ticket_events;
DROP TABLE ticket_events;
ALTER TABLE ticket_events_new RENAME TO ticket_events;
CREATE INDEX ticket_events_time ON ticket_events (jurisdiction_id, at);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events BEGIN
    SELECT RAISE(ABORT, 'ticket events are append-only');
END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events BEGIN
    SELECT RAISE(ABORT, 'ticket events are append-only');
END;

CREATE TABLE webhooks (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    -- Comma-separated event names, or '*' for every event.
    events TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_jurisdiction ON webhooks (jurisdiction_id);

-- The outbox: one row per event and webhook, written in the transaction of the event.
CREATE TABLE webhook_deliveries (
    id TEXT NOT NULL PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    event TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP,
    response_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
