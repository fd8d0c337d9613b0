ALTER TABLE ticket_rollups ALTER COLUMN key TYPE TEXT COLLATE "default";
