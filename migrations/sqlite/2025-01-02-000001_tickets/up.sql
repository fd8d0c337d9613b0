-- Tickets, their events, field visits and attachments (SQLite twin of the PostgreSQL migration).

-- Tracking-code counters: one row per jurisdiction and year (SBG-25-000123).
CREATE TABLE ticket_counters (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction_id, year)
);

CREATE TABLE tickets (
    -- UUIDv7 made from created_at: ordering by id is ordering by filing time.
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'returned', 'routed', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected', 'referred', 'merged')),
    title TEXT NOT NULL,
    description TEXT,
    category_id TEXT REFERENCES categories (id),
    region_id TEXT REFERENCES regions (id),
    lat REAL,
    lng REAL,
    address TEXT,
    agency_id TEXT REFERENCES agencies (id),
    division_id TEXT REFERENCES divisions (id),
    assignee_id TEXT REFERENCES users (id),
    suggested_agency_id TEXT REFERENCES agencies (id),
    platform TEXT NOT NULL,
    comment_url TEXT,
    comment_key TEXT NOT NULL,
    post_url TEXT,
    account TEXT,
    author TEXT,
    commented_at TIMESTAMP,
    comment_text TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    confidential BOOLEAN NOT NULL DEFAULT FALSE,
    reply_url TEXT,
    resolution TEXT,
    filed_by TEXT NOT NULL REFERENCES users (id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_id, comment_key),
    UNIQUE (jurisdiction_id, code)
);
-- Lists are newest first (id descending) within a jurisdiction, filtered by one of these.
CREATE INDEX tickets_newest ON tickets (jurisdiction_id, id);
CREATE INDEX tickets_status ON tickets (jurisdiction_id, status, id);
CREATE INDEX tickets_agency ON tickets (jurisdiction_id, agency_id, id);
CREATE INDEX tickets_division ON tickets (jurisdiction_id, division_id, id);
CREATE INDEX tickets_category ON tickets (jurisdiction_id, category_id, id);
CREATE INDEX tickets_region ON tickets (jurisdiction_id, region_id, id);
CREATE INDEX tickets_platform ON tickets (jurisdiction_id, platform, id);
CREATE INDEX tickets_filed_by ON tickets (filed_by, id);

-- The audit trail: one row per action, never updated or deleted.
CREATE TABLE ticket_events (
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
CREATE INDEX ticket_events_time ON ticket_events (jurisdiction_id, at);

-- Stored files; the bytes live in the blob store under their SHA-256, once per content.
CREATE TABLE attachments (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    uploader_id TEXT NOT NULL REFERENCES users (id),
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    filename TEXT,
    taken_at TIMESTAMP,
    lat REAL,
    lng REAL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_sha256 ON attachments (sha256);

CREATE TABLE field_visits (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    visitor_id TEXT NOT NULL REFERENCES users (id),
    visited_at TIMESTAMP NOT NULL,
    notes TEXT NOT NULL,
    lat REAL,
    lng REAL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX field_visits_ticket ON field_visits (ticket_id, visited_at);

CREATE TABLE field_visit_attachments (
    visit_id TEXT NOT NULL REFERENCES field_visits (id),
    attachment_id TEXT NOT NULL REFERENCES attachments (id),
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (visit_id, attachment_id)
);
CREATE INDEX field_visit_attachments_file ON field_visit_attachments (attachment_id, ticket_id);

-- Text search over title, description and comment text.
CREATE VIRTUAL TABLE ticket_search USING fts5 (
    ticket_id UNINDEXED,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search (ticket_id, body)
    VALUES (new.id, new.title || ' ' || coalesce(new.description, '') || ' ' || new.comment_text);
END;
CREATE TRIGGER tickets_search_update AFTER UPDATE OF title, description, comment_text ON tickets BEGIN
    DELETE FROM ticket_search WHERE ticket_id = old.id;
    INSERT INTO ticket_search (ticket_id, body)
    VALUES (new.id, new.title || ' ' || coalesce(new.description, '') || ' ' || new.comment_text);
END;

CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events BEGIN
    SELECT RAISE(ABORT, 'ticket events are append-only');
END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events BEGIN
    SELECT RAISE(ABORT, 'ticket events are append-only');
END;
