-- The members registry and institutional declarations of the Kraków Metropolis.
CREATE TABLE metropolis_members (
    id TEXT NOT NULL PRIMARY KEY,
    kind INTEGER NOT NULL,
    name_pl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    country_code TEXT NOT NULL,
    joined_at TEXT NULL,
    registered_at TEXT NOT NULL
);

CREATE TABLE metropolis_declarations (
    id TEXT NOT NULL PRIMARY KEY,
    title_pl TEXT NOT NULL,
    title_en TEXT NOT NULL,
    opened_at TEXT NOT NULL
);

CREATE TABLE metropolis_declaration_signatures (
    declaration_id TEXT NOT NULL REFERENCES metropolis_declarations (id),
    municipality_id TEXT NOT NULL REFERENCES metropolis_members (id),
    signed_by TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    PRIMARY KEY (declaration_id, municipality_id)
);
