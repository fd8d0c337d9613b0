-- Foundation (PostgreSQL twin of the SQLite migration; keep the two in step).

CREATE TABLE jurisdictions (
    id TEXT NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    short_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE agencies (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dinas', 'badan', 'bagian', 'kecamatan', 'other')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_id, code)
);

CREATE TABLE divisions (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_id, code)
);
CREATE INDEX divisions_agency ON divisions (agency_id, code);

CREATE TABLE categories (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    group_name TEXT,
    default_agency_id TEXT REFERENCES agencies (id),
    keywords TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_id, code)
);

CREATE TABLE regions (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('kecamatan', 'desa')),
    parent_id TEXT REFERENCES regions (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_id, code)
);
CREATE INDEX regions_parent ON regions (parent_id);

CREATE TABLE official_accounts (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    url TEXT NOT NULL,
    agency_id TEXT REFERENCES agencies (id),
    leadership BOOLEAN NOT NULL DEFAULT FALSE,
    placeholder BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (jurisdiction_id, platform, handle)
);

CREATE TABLE users (
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
CREATE INDEX users_jurisdiction ON users (jurisdiction_id, username);
CREATE INDEX users_agency ON users (agency_id);
