-- The recap's facts, materialised per ticket: one row per thing a recap counts (a valid filing,
-- an answer in time, a first reply and its minutes, a route, return, resolve, close or reopen,
-- a clock met or breached), on the local day it counts for, for the user or agency it counts
-- for. Rewritten for a ticket in the transaction of each write to it; a recap of a period
-- counts them with one index range scan instead of joining a fortnight of events and clocks.
CREATE TABLE recap_facts (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    day DATE NOT NULL,
    -- 'user' (the filer or the actor; their agency is looked up when the recap is made) or
    -- 'agency'.
    kind TEXT NOT NULL CHECK (kind IN ('user', 'agency')),
    subject TEXT NOT NULL,
    figure TEXT NOT NULL,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    -- The clock of a clock fact, else ''.
    detail TEXT NOT NULL,
    -- Minutes to the first public reply, for figure 'first_reply'.
    minutes INTEGER
);
CREATE INDEX recap_facts_period ON recap_facts (jurisdiction_id, day, figure, kind, subject);
CREATE INDEX recap_facts_ticket ON recap_facts (ticket_id);

-- Rebuild the rollups (trend counts and these facts) at the next start.
DELETE FROM rollup_state;
