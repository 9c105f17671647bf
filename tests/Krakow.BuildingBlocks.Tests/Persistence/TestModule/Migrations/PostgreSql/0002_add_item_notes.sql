-- Schema-qualified names work as well.
ALTER TABLE testmodule.items ADD COLUMN notes text NULL;
CREATE INDEX ix_items_name ON testmodule.items (name);
INSERT INTO testmodule.script_runs (script) VALUES ('0002');
