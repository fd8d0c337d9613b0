-- Trend rollups now also count category, kecamatan and agency in pairs (a trend of one within a
-- value of another: dim 'category+region' with key 'category_id|region_id', and so on). The
-- counters are a projection: the table is made anew and every jurisdiction's projections are
-- marked incomplete, so the server rebuilds them, pairs included, when it starts (until then
-- trends read the raw tables).
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
