-- The SLA counters: how many clocks started on each local day stand in each state, by clock
-- and by the ticket's agency and category ('' for none). A projection kept in every ticket
-- write like the trend rollups; rollup_state is cleared so that the server builds it (with the
-- rollups) when it starts, and until then the SLA report reads the raw tables.
CREATE TABLE sla_counts (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    day DATE NOT NULL,
    clock TEXT NOT NULL,
    state TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (jurisdiction_id, day, clock, state, agency_id, category_id)
);
DELETE FROM rollup_state;
