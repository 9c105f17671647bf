-- Seasons of a campaign opened by administrators (a campaign's first season is the window its plugin's manifest
-- declares, and has no row here), and the invitations to re-confirm that opening a season sends to the approved
-- applications of the season before it.
CREATE TABLE campaign_seasons (
    campaign_id text NOT NULL,
    season integer NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NULL,
    opened_by text NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    PRIMARY KEY (campaign_id, season)
);

CREATE TABLE reconfirmation_invitations (
    application_id text NOT NULL REFERENCES applications (id),
    season integer NOT NULL,
    campaign_id text NOT NULL,
    invited_at timestamp with time zone NOT NULL,
    reconfirmed_application_id text NULL REFERENCES applications (id),
    reconfirmed_at timestamp with time zone NULL,
    PRIMARY KEY (application_id, season)
);
CREATE INDEX ix_reconfirmation_invitations_campaign_id_season ON reconfirmation_invitations (campaign_id, season);
CREATE INDEX ix_reconfirmation_invitations_reconfirmed_application_id ON reconfirmation_invitations (reconfirmed_application_id);
