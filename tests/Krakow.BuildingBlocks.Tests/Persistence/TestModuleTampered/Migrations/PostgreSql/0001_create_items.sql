-- 0001 as someone edited it after release: a different column.
CREATE TABLE items (
    id uuid NOT NULL PRIMARY KEY,
    title text NOT NULL
);
