-- Hardening: a deleted webhook keeps its delivery history; an append-only audit log of admin
-- actions; tokens signed out before they expire.
ALTER TABLE webhooks ADD COLUMN deleted_at TIMESTAMP;

CREATE TABLE audit_log (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    actor_id TEXT REFERENCES users (id),
    -- e.g. user.create, user.update, webhook.delete, api_key.revoke, sla.update.
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT,
    -- JSON of the target before and after the change (secrets left out).
    before TEXT,
    after TEXT,
    client_ip TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (jurisdiction_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Tokens signed out before their expiry, by their id (`jti`); kept until they expire.
CREATE TABLE revoked_tokens (
    jti TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    expires_at TIMESTAMP NOT NULL
);
