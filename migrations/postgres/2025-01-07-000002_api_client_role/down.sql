-- API keys go with their users (tickets they filed keep this from running, as they should).
DELETE FROM open311_requests;
DELETE FROM api_keys;
DELETE FROM users WHERE role = 'api_client';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN (
    'admin', 'coordinator', 'leader', 'agency_head', 'division_head', 'pic', 'planner'
));
