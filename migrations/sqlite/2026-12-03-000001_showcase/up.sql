-- (SQLite twin of the PostgreSQL migration.) What is shown to the public: the leader's decision
-- on a frozen recap (the winners of the two prize boards and whether the recap is published),
-- and the photos staff marked publishable.

-- Made once per frozen recap and never changed, like the recap itself. A winner is the key
-- (username) of a PIC line of the frozen body on that board; NULL when none was named.
CREATE TABLE recap_decisions (
    recap_id TEXT NOT NULL PRIMARY KEY REFERENCES recaps (id),
    opd_winner TEXT,
    kecamatan_winner TEXT,
    published BOOLEAN NOT NULL,
    decided_by TEXT NOT NULL REFERENCES users (id),
    decided_at TIMESTAMP NOT NULL
);
CREATE TRIGGER recap_decisions_no_update BEFORE UPDATE ON recap_decisions BEGIN
    SELECT RAISE(ABORT, 'recap decisions are final');
END;
CREATE TRIGGER recap_decisions_no_delete BEFORE DELETE ON recap_decisions BEGIN
    SELECT RAISE(ABORT, 'recap decisions are final');
END;

-- A photo of a complaint that staff confirmed shows no face or personal data: `before` (filed
-- with the complaint) or `after` (from a field visit). `sha256` names the re-encoded copy the
-- public sees (no EXIF) and `preview_sha256` its small version for lists; the original stays
-- private. Withdrawn by deleting the row.
CREATE TABLE published_photos (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    attachment_id TEXT NOT NULL REFERENCES attachments (id),
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    role TEXT NOT NULL CHECK (role IN ('before', 'after')),
    sha256 TEXT NOT NULL,
    preview_sha256 TEXT NOT NULL,
    published_by TEXT NOT NULL REFERENCES users (id),
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, attachment_id)
);
CREATE INDEX published_photos_recent ON published_photos (jurisdiction_id, published_at);
CREATE INDEX published_photos_blob ON published_photos (sha256);
CREATE INDEX published_photos_preview ON published_photos (preview_sha256);
