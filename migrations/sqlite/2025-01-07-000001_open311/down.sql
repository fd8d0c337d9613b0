ALTER TABLE categories DROP COLUMN questions;
ALTER TABLE categories DROP COLUMN description;
DROP TABLE open311_requests;
DROP TABLE api_keys;
