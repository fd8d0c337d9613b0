DROP INDEX place_totals_by_count;
ALTER TABLE place_totals DROP COLUMN last_at;
ALTER TABLE place_totals DROP COLUMN first_at;
CREATE INDEX place_totals_by_count ON place_totals (jurisdiction_id, count, category_id, cell);
