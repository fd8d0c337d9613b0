-- Two more groups of counters in the rollups, kept in every ticket write:
--
-- 'routing': the moves between agencies by local day — dim 'return' (key: the agency that
-- returned a ticket) and dim 'reroute' (key 'from|to|returned_on': where a ticket went from the
-- agency that had it, and the day that agency returned it when it did).
-- 'planning': an agency's complaints by local filing year (day = 1 January) — dim 'fix@year'
-- (key 'agency|region|category|tenths': tenths of a day from complaint to fix, '' when not
-- fixed), dim 'place@year' (key 'agency|region|category|lat:lng', one row per place of about
-- 100 m) and dim 'repeated@year' (key 'agency|region|category': places with two or more).
DROP TABLE ticket_rollups;
CREATE TABLE ticket_rollups (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    metric TEXT NOT NULL CHECK (metric IN ('filed', 'resolved', 'closed', 'open', 'routing', 'planning')),
    dim TEXT NOT NULL CHECK (dim IN ('category', 'region', 'agency', 'category+region', 'category+agency', 'region+agency', 'category+region@month', 'category+agency@month', 'region+agency@month', 'return', 'reroute', 'fix@year', 'place@year', 'repeated@year')),
    day DATE NOT NULL,
    key TEXT NOT NULL,
    stripe INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (jurisdiction_id, metric, dim, day, key, stripe)
);
-- Built anew when the server starts; until then the reports read the raw tables.
DELETE FROM rollup_state;
-- The hotspots' repeated places: where each located ticket was filed, as a ~100 m cell
-- ('lat:lng' in thousandths of a degree) with its category ('' for none) and filing time; and
-- how many tickets each category × cell has had in all, so that the places that can lead a
-- period are found from the top of the totals.
CREATE TABLE ticket_places (
    ticket_id TEXT PRIMARY KEY REFERENCES tickets (id),
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    category_id TEXT NOT NULL,
    cell TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_places_by_cell ON ticket_places (jurisdiction_id, category_id, cell, created_at);
CREATE TABLE place_totals (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    category_id TEXT NOT NULL,
    cell TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (jurisdiction_id, category_id, cell)
);
CREATE INDEX place_totals_by_count ON place_totals (jurisdiction_id, count, category_id, cell);
