-- The test module's first release: its items. SQLite has no schemas: every table carries the prefix testmodule_.
CREATE TABLE testmodule_items (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL
);

-- One row per script run, so tests can tell a script that ran twice.
CREATE TABLE testmodule_script_runs (
    script TEXT NOT NULL
);
INSERT INTO testmodule_script_runs (script) VALUES ('0001');
