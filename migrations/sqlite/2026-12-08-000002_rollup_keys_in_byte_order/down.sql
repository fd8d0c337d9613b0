-- PostgreSQL's counter keys move to byte order (collation "C") so that a key prefix is a range
-- of the primary key; SQLite compares text by bytes already: nothing to change.
SELECT 1;
