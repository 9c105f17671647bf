CREATE TABLE testmodule_items (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL
);
INSERT INTO testmodule_items (id, name) VALUES ('4E1E7A2B-0000-0000-0000-000000000001', 'kept only if the script succeeds');
INSERT INTO testmodule_no_such_table (id) VALUES (1);
