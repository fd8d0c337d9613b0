DROP INDEX ticket_clocks_stopped;
DROP INDEX ticket_events_action_at;
DROP TABLE rollup_state;
DROP TABLE ticket_rollups;
DROP TRIGGER recaps_no_change ON recaps;
DROP FUNCTION recaps_immutable();
DROP TABLE recaps;
DROP TABLE recap_weights;
