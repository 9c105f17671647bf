-- Listings: approved entries, one row per map an entry appears on; and the append-only feed of their changes.
CREATE TABLE maps_listings (
    id TEXT NOT NULL PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    source_campaign_id TEXT NOT NULL,
    application_id TEXT NOT NULL,
    season INTEGER NOT NULL,
    name TEXT NOT NULL,
    category_id TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    street TEXT NOT NULL,
    building_number TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    orders_online INTEGER NOT NULL,
    delivers INTEGER NOT NULL,
    website TEXT NOT NULL,
    phone TEXT NOT NULL,
    description TEXT NOT NULL,
    offer_image_id TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_maps_listings_application_id ON maps_listings (application_id);
CREATE INDEX ix_maps_listings_campaign_id_season ON maps_listings (campaign_id, season);

CREATE TABLE maps_listing_changes (
    sequence INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    listing_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    kind INTEGER NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX ix_maps_listing_changes_campaign_id ON maps_listing_changes (campaign_id, sequence);
