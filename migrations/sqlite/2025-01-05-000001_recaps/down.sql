DROP INDEX ticket_clocks_stopped;
DROP INDEX ticket_events_action_at;
DROP TABLE rollup_state;
DROP TABLE ticket_rollups;
DROP TABLE recaps;
DROP TABLE recap_weights;
