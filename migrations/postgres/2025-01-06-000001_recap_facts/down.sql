DROP TABLE recap_facts;
DELETE FROM rollup_state;
