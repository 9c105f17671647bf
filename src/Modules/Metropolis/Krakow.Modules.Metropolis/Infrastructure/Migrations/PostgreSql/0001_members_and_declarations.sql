-- The members registry and institutional declarations of the Kraków Metropolis.
CREATE TABLE metropolis.members (
    id text NOT NULL PRIMARY KEY,
    kind integer NOT NULL,
    name_pl text NOT NULL,
    name_en text NOT NULL,
    country_code text NOT NULL,
    joined_at timestamp with time zone NULL,
    registered_at timestamp with time zone NOT NULL
);

CREATE TABLE metropolis.declarations (
    id text NOT NULL PRIMARY KEY,
    title_pl text NOT NULL,
    title_en text NOT NULL,
    opened_at timestamp with time zone NOT NULL
);

CREATE TABLE metropolis.declaration_signatures (
    declaration_id text NOT NULL REFERENCES metropolis.declarations (id),
    municipality_id text NOT NULL REFERENCES metropolis.members (id),
    signed_by text NOT NULL,
    signed_at timestamp with time zone NOT NULL,
    PRIMARY KEY (declaration_id, municipality_id)
);
