-- Back to the roles without api_client: API keys, their requests' rows and their users go.
PRAGMA foreign_keys = OFF;
BEGIN;
DELETE FROM open311_requests;
DELETE FROM api_keys;
CREATE TABLE users_rebuilt (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'leader', 'agency_head', 'division_head', 'pic', 'planner')),
    agency_id TEXT REFERENCES agencies (id),
    division_id TEXT REFERENCES divisions (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    token_version INTEGER NOT NULL DEFAULT 0,
    last_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO users_rebuilt (id, jurisdiction_id, username, password_hash, display_name, role,
    agency_id, division_id, active, token_version, last_login_at, created_at, updated_at)
SELECT id, jurisdiction_id, username, password_hash, display_name, role,
    agency_id, division_id, active, token_version, last_login_at, created_at, updated_at
FROM users WHERE role <> 'api_client';
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
CREATE INDEX users_jurisdiction ON users (jurisdiction_id, username);
CREATE INDEX users_agency ON users (agency_id);
COMMIT;
PRAGMA foreign_keys = ON;
