-- (SQLite twin of the PostgreSQL migration.) Frozen recaps, the recap's weights per jurisdiction, and the daily rollups that serve trends.

-- The weights of a jurisdiction's recap score; no row means the defaults (30/25/20/15/10).
CREATE TABLE recap_weights (
    jurisdiction_id TEXT NOT NULL PRIMARY KEY REFERENCES jurisdictions (id),
    response REAL NOT NULL CHECK (response >= 0),
    completion REAL NOT NULL CHECK (completion >= 0),
    clocks REAL NOT NULL CHECK (clocks >= 0),
    patrols REAL NOT NULL CHECK (patrols >= 0),
    activity REAL NOT NULL CHECK (activity >= 0),
    updated_by TEXT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

-- A recap frozen as published: the whole computed body (figures, evidence ids, scores, ranks,
-- the weights used) stored once and never changed.
CREATE TABLE recaps (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    from_day DATE NOT NULL,
    to_day DATE NOT NULL CHECK (to_day >= from_day),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    -- JSON: the recap as computed at created_at.
    body TEXT NOT NULL
);
CREATE INDEX recaps_list ON recaps (jurisdiction_id, id);

CREATE TRIGGER recaps_no_update BEFORE UPDATE ON recaps BEGIN
    SELECT RAISE(ABORT, 'recaps are frozen');
END;
CREATE TRIGGER recaps_no_delete BEFORE DELETE ON recaps BEGIN
    SELECT RAISE(ABORT, 'recaps are frozen');
END;

-- Counts per local day of tickets filed (by filing time), and of resolve and close events (by
-- event time), under the ticket's current category, region (as filed: kecamatan or desa) and
-- agency; key '' is "none". Maintained in the transaction of every ticket write; a row is split
-- into stripes so that concurrent writers of one day do not queue on a single row.
CREATE TABLE ticket_rollups (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    metric TEXT NOT NULL CHECK (metric IN ('filed', 'resolved', 'closed')),
    dim TEXT NOT NULL CHECK (dim IN ('category', 'region', 'agency')),
    day DATE NOT NULL,
    key TEXT NOT NULL,
    stripe INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction_id, metric, dim, day, key, stripe)
);

-- Rollups are made for a jurisdiction in its time zone; a row here says they are complete.
CREATE TABLE rollup_state (
    jurisdiction_id TEXT NOT NULL PRIMARY KEY REFERENCES jurisdictions (id),
    timezone TEXT NOT NULL,
    built_at TIMESTAMP NOT NULL
);

-- The recap reads events of the period by action and time, and clocks stopped in the period.
CREATE INDEX ticket_events_action_at ON ticket_events (jurisdiction_id, action, at);
CREATE INDEX ticket_clocks_stopped ON ticket_clocks (jurisdiction_id, stopped_at);
