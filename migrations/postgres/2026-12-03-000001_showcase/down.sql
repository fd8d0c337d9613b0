DROP TABLE published_photos;
DROP TABLE recap_decisions;
DROP FUNCTION recap_decisions_immutable();
