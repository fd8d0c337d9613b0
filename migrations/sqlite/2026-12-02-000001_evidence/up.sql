-- Evidence: the photos and screenshots a complaint is filed with, and a small JPEG preview of
-- each photo (a blob of its own, named by its SHA-256) for galleries on slow connections.
ALTER TABLE attachments ADD COLUMN thumbnail_sha256 TEXT;
CREATE INDEX attachments_thumbnail ON attachments (thumbnail_sha256);

CREATE TABLE ticket_attachments (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    attachment_id TEXT NOT NULL REFERENCES attachments (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, attachment_id)
);
CREATE INDEX ticket_attachments_file ON ticket_attachments (attachment_id, ticket_id);
