-- The test module's first release: its items. Scripts run with search_path set to the module's schema
-- (testmodule), so unqualified names land there.
CREATE TABLE items (
    id uuid NOT NULL PRIMARY KEY,
    name text NOT NULL
);

-- One row per script run, so tests can tell a script that ran twice.
CREATE TABLE script_runs (
    script text NOT NULL
);
INSERT INTO script_runs (script) VALUES ('0001');
