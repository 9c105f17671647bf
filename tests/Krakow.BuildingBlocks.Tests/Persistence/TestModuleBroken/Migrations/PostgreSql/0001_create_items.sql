CREATE TABLE items (
    id uuid NOT NULL PRIMARY KEY,
    name text NOT NULL
);
INSERT INTO items (id, name) VALUES ('4e1e7a2b-0000-0000-0000-000000000001', 'kept only if the script succeeds');
INSERT INTO no_such_table (id) VALUES (1);
