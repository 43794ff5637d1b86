-- The room in the database, so that several app processes on one database see the same room:
-- each tablet's latest heartbeat, the signed-in desks (a desk token's SHA-256 and its HMAC
-- binding, never the token: codesign.domain.desks), and each session's dispute vote
-- (codesign.domain.disputes.disputes_to_json, kept as the rounds and the votes are; NULL: none).

CREATE TABLE tablet_presence (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    team_id text NOT NULL,
    seen_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, team_id)
);

CREATE TABLE desk_grants (
    digest text PRIMARY KEY,
    binding text NOT NULL,
    role text NOT NULL CHECK (role IN ('facilitator', 'reviewer')),
    session_id text NOT NULL DEFAULT '',
    issued_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

ALTER TABLE sessions ADD COLUMN disputes jsonb;
