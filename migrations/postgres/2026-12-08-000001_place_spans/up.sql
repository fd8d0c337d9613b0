-- The first and last filing time of each place's tickets. A place's count in a period equals
-- its total only when all its tickets were filed inside the period, so once the hotspots' top
-- is full at a band's total, only the places of that band whose span lies in the period can
-- still tie: the walk reads those instead of counting the whole band.
ALTER TABLE place_totals ADD COLUMN first_at TIMESTAMP;
ALTER TABLE place_totals ADD COLUMN last_at TIMESTAMP;
UPDATE place_totals SET
    first_at = (SELECT MIN(t.created_at) FROM ticket_places t
                WHERE t.jurisdiction_id = place_totals.jurisdiction_id
                  AND t.category_id = place_totals.category_id AND t.cell = place_totals.cell),
    last_at = (SELECT MAX(t.created_at) FROM ticket_places t
               WHERE t.jurisdiction_id = place_totals.jurisdiction_id
                 AND t.category_id = place_totals.category_id AND t.cell = place_totals.cell);
DROP INDEX place_totals_by_count;
CREATE INDEX place_totals_by_count ON place_totals (jurisdiction_id, count, first_at, last_at, category_id, cell);
