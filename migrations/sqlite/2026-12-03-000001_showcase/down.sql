DROP TABLE published_photos;
DROP TABLE recap_decisions;
