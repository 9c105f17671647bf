-- Applications by short survey, moderation decisions, offer images (metadata only: the bytes are in the blob
-- folder) and the module's generated secrets.
CREATE TABLE maps_applications (
    id TEXT NOT NULL PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    season INTEGER NOT NULL,
    status INTEGER NOT NULL,
    answers TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_fingerprint TEXT NOT NULL,
    edit_token_hash BLOB NOT NULL,
    cross_listing_opt_outs TEXT NOT NULL,
    moderator_note TEXT NOT NULL,
    offer_image_id TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_maps_applications_campaign_id_idempotency_key ON maps_applications (campaign_id, idempotency_key);
CREATE INDEX ix_maps_applications_status_queued_at_id ON maps_applications (status, queued_at, id);

CREATE TABLE maps_moderation_decisions (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL REFERENCES maps_applications (id),
    kind INTEGER NOT NULL,
    reason INTEGER NOT NULL,
    comment TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX ix_maps_moderation_decisions_application_id ON maps_moderation_decisions (application_id);

CREATE TABLE maps_offer_images (
    id TEXT NOT NULL PRIMARY KEY,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE maps_application_images (
    application_id TEXT NOT NULL REFERENCES maps_applications (id),
    image_id TEXT NOT NULL REFERENCES maps_offer_images (id),
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (application_id, image_id)
);

CREATE TABLE maps_secrets (
    name TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL,
    created_at TEXT NOT NULL
);
