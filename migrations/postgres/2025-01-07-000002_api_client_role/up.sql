-- The role of an API key's user: an external client that files through Open311 and never signs in.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN (
    'admin', 'coordinator', 'leader', 'agency_head', 'division_head', 'pic', 'planner', 'api_client'
));
