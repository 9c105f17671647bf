ALTER TABLE testmodule_items ADD COLUMN notes TEXT NULL;
CREATE INDEX ix_testmodule_items_name ON testmodule_items (name);
INSERT INTO testmodule_script_runs (script) VALUES ('0002');
