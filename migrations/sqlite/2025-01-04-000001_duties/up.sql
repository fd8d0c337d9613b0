-- PIC duties (SQLite twin of the PostgreSQL migration): patrol slots and check-ins, and the activity log (reposts and own content).

-- A jurisdiction's patrol slots; none means the defaults (13:00, 17:00, 19:00 local, ±60 min).
CREATE TABLE patrol_slots (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    name TEXT NOT NULL,
    -- Local time of day, HH:MM.
    at_time TEXT NOT NULL,
    window_minutes INTEGER NOT NULL CHECK (window_minutes > 0),
    PRIMARY KEY (jurisdiction_id, name)
);

CREATE TABLE patrols (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    pic_id TEXT NOT NULL REFERENCES users (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    slot TEXT NOT NULL,
    -- The local date the slot belongs to.
    day DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    -- JSON array of official account ids.
    accounts_checked TEXT NOT NULL,
    comments_reviewed INTEGER CHECK (comments_reviewed >= 0),
    notes TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (pic_id, slot, day)
);
CREATE INDEX patrols_day ON patrols (jurisdiction_id, day, id);
CREATE INDEX patrols_agency ON patrols (jurisdiction_id, agency_id, day);

CREATE TABLE activities (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    kind TEXT NOT NULL CHECK (kind IN ('repost', 'content')),
    -- Canonical URL of the post: one record per URL.
    url TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES official_accounts (id),
    original_url TEXT,
    posted_at TIMESTAMP NOT NULL,
    title TEXT,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_id, url)
);
CREATE INDEX activities_posted ON activities (jurisdiction_id, posted_at, id);
CREATE INDEX activities_agency ON activities (jurisdiction_id, agency_id, posted_at);
