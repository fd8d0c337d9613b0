-- The counters' keys in byte order (collation "C"), whatever the database's collation: a read
-- of one agency's or one kecamatan's keys (`key LIKE 'id|%'`, the planning table and trends
-- within a value) then becomes a range of the primary key instead of a filter over every key
-- of the day. SQLite compares text by bytes already.
ALTER TABLE ticket_rollups ALTER COLUMN key TYPE TEXT COLLATE "C";
