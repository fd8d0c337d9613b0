-- Two more projections kept in every ticket write like the trend rollups:
--
-- The SLA counters: how many clocks started on each local day (span 'day') and in each local
-- month (span 'month', day = the month's first) stand in each state, by clock and by the
-- ticket's agency and category ('' for none). A long period reads its whole months.
CREATE TABLE sla_counts (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    span TEXT NOT NULL CHECK (span IN ('day', 'month')),
    day DATE NOT NULL,
    clock TEXT NOT NULL,
    state TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction_id, span, day, clock, state, agency_id, category_id)
);
-- The open tickets by local filing day and agency: the rollups gain the metric 'open'; and the
-- pairs are counted by month as well (dims '…@month', day = the month's first).
DROP TABLE ticket_rollups;
CREATE TABLE ticket_rollups (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    metric TEXT NOT NULL CHECK (metric IN ('filed', 'resolved', 'closed', 'open')),
    dim TEXT NOT NULL CHECK (dim IN ('category', 'region', 'agency', 'category+region', 'category+agency', 'region+agency', 'category+region@month', 'category+agency@month', 'region+agency@month')),
    day DATE NOT NULL,
    key TEXT NOT NULL,
    stripe INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction_id, metric, dim, day, key, stripe)
);
-- rollup_state is cleared so that the server builds them all when it starts; until then the
-- reports read the raw tables.
DELETE FROM rollup_state;
