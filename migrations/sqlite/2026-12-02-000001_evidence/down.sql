DROP TABLE ticket_attachments;
DROP INDEX attachments_thumbnail;
ALTER TABLE attachments DROP COLUMN thumbnail_sha256;
