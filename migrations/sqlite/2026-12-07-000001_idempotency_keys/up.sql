-- Idempotent retries (the IETF draft's Idempotency-Key header): a caller's key and the first
-- answer given to it, kept for a day. While the first request runs, the row is 'running' and
-- leased until locked_until; its answer is stored in the transaction of its last write, so an
-- acknowledged write and its stored answer commit together.
CREATE TABLE idempotency_keys (
    -- Whose key: 'user:<id>' for a signed-in user, 'open311:<key hash>' for an Open311 client.
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    -- sha256 of the method, path, query, content type and body (multipart: its parts).
    fingerprint TEXT NOT NULL,
    -- 'running' or 'done'.
    state TEXT NOT NULL,
    locked_until TIMESTAMP NOT NULL,
    status INTEGER,
    -- The answer's headers that matter, as a JSON array of [name, value].
    headers TEXT,
    body BLOB,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
