DROP TABLE place_totals;
DROP TABLE ticket_places;
DROP TABLE ticket_rollups;
CREATE TABLE ticket_rollups (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    metric TEXT NOT NULL CHECK (metric IN ('filed', 'resolved', 'closed', 'open')),
    dim TEXT NOT NULL CHECK (dim IN ('category', 'region', 'agency', 'category+region', 'category+agency', 'region+agency', 'category+region@month', 'category+agency@month', 'region+agency@month')),
    day DATE NOT NULL,
    key TEXT NOT NULL,
    stripe INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (jurisdiction_id, metric, dim, day, key, stripe)
);
DELETE FROM rollup_state;
