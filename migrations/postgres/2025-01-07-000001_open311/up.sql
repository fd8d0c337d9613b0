-- Open311 GeoReport v2: API keys, what a request brought besides the ticket, and the extra
-- questions (service attributes) of a category.

-- An API key lets an external client (an Open311 app) file requests. Only its SHA-256 is kept;
-- the key itself is shown once, when it is made. Each key acts through a user of role
-- 'api_client' (made with the key, never able to sign in), so timelines and `filed_by` name it.
CREATE TABLE api_keys (
    id TEXT NOT NULL PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id),
    name TEXT NOT NULL,
    -- The key's first characters, to tell keys apart in a list.
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    revoked_by TEXT REFERENCES users (id)
);
CREATE INDEX api_keys_jurisdiction ON api_keys (jurisdiction_id, id);

-- One row per ticket filed through Open311: the key it came with, the reporter's contact
-- (personal data: never in an Open311 GET), the answers to the category's questions and media.
CREATE TABLE open311_requests (
    ticket_id TEXT NOT NULL PRIMARY KEY REFERENCES tickets (id),
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
    api_key_id TEXT NOT NULL REFERENCES api_keys (id),
    email TEXT,
    first_name TEXT,
    last_name TEXT,
    phone TEXT,
    device_id TEXT,
    account_id TEXT,
    address_id TEXT,
    media_url TEXT,
    attachment_id TEXT REFERENCES attachments (id),
    -- A JSON object: question code -> answer (a string, or a list for multivaluelist).
    answers TEXT NOT NULL
);
CREATE INDEX open311_requests_key ON open311_requests (api_key_id);
CREATE INDEX open311_requests_attachment ON open311_requests (attachment_id);

-- A category's public description and its extra questions (a JSON array of Open311 attributes).
ALTER TABLE categories ADD COLUMN description TEXT;
ALTER TABLE categories ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
