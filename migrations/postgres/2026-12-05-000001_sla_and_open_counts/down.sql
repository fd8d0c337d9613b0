DROP TABLE sla_counts;
DROP TABLE ticket_rollups;
CREATE TABLE ticket_rollups (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    metric TEXT NOT NULL CHECK (metric IN ('filed', 'resolved', 'closed')),
    dim TEXT NOT NULL CHECK (dim IN ('category', 'region', 'agency', 'category+region', 'category+agency', 'region+agency')),
    day DATE NOT NULL,
    key TEXT NOT NULL,
    stripe INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (jurisdiction_id, metric, dim, day, key, stripe)
);
DELETE FROM rollup_state;
