-- Listings: approved entries, one row per map an entry appears on; and the append-only feed of their changes.
CREATE TABLE listings (
    id text NOT NULL PRIMARY KEY,
    campaign_id text NOT NULL,
    source_campaign_id text NOT NULL,
    application_id text NOT NULL,
    season integer NOT NULL,
    name text NOT NULL,
    category_id text NOT NULL,
    latitude double precision NOT NULL,
    longitude double precision NOT NULL,
    street text NOT NULL,
    building_number text NOT NULL,
    postal_code text NOT NULL,
    city text NOT NULL,
    orders_online boolean NOT NULL,
    delivers boolean NOT NULL,
    website text NOT NULL,
    phone text NOT NULL,
    description text NOT NULL,
    offer_image_id text NOT NULL,
    updated_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_listings_application_id ON listings (application_id);
CREATE INDEX ix_listings_campaign_id_season ON listings (campaign_id, season);

CREATE TABLE listing_changes (
    sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    listing_id text NOT NULL,
    campaign_id text NOT NULL,
    kind integer NOT NULL,
    changed_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_listing_changes_campaign_id ON listing_changes (campaign_id, sequence);
