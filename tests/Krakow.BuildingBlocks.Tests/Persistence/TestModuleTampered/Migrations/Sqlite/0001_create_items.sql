-- 0001 as someone edited it after release: a different column.
CREATE TABLE testmodule_items (
    id TEXT NOT NULL PRIMARY KEY,
    title TEXT NOT NULL
);
