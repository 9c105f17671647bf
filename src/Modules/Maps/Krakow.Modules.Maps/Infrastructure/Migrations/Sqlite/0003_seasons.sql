-- Seasons of a campaign opened by administrators (a campaign's first season is the window its plugin's manifest
-- declares, and has no row here), and the invitations to re-confirm that opening a season sends to the approved
-- applications of the season before it.
CREATE TABLE maps_campaign_seasons (
    campaign_id TEXT NOT NULL,
    season INTEGER NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NULL,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    PRIMARY KEY (campaign_id, season)
);

CREATE TABLE maps_reconfirmation_invitations (
    application_id TEXT NOT NULL REFERENCES maps_applications (id),
    season INTEGER NOT NULL,
    campaign_id TEXT NOT NULL,
    invited_at TEXT NOT NULL,
    reconfirmed_application_id TEXT NULL REFERENCES maps_applications (id),
    reconfirmed_at TEXT NULL,
    PRIMARY KEY (application_id, season)
);
CREATE INDEX ix_maps_reconfirmation_invitations_campaign_id_season ON maps_reconfirmation_invitations (campaign_id, season);
CREATE INDEX ix_maps_reconfirmation_invitations_reconfirmed_application_id ON maps_reconfirmation_invitations (reconfirmed_application_id);
