-- Sessions, their teams, every saved version of every concept (the GeoJSON document of
-- docs/concept-format.md), and each session's rounds and votes.

CREATE TABLE sessions (
    id text PRIMARY KEY,
    title text NOT NULL,
    site text NOT NULL,
    date date NOT NULL,
    created_at timestamptz NOT NULL,
    illustrative boolean NOT NULL DEFAULT false,
    review_token text NOT NULL DEFAULT '',
    -- codesign.rounds.state_to_json and codesign.votes.votes_to_json; NULL: nothing set yet
    rounds jsonb,
    votes jsonb
);

CREATE TABLE teams (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position integer NOT NULL,
    id text NOT NULL,
    name text NOT NULL,
    colour text NOT NULL,
    token text NOT NULL,
    PRIMARY KEY (session_id, id),
    UNIQUE (session_id, position)
);

-- One row per save, never updated: a save based on an older version is refused by the app.
CREATE TABLE concept_versions (
    session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    owner text NOT NULL,  -- team id, 'plan' or 'vision'
    version integer NOT NULL CHECK (version > 0),
    saved_at timestamptz NOT NULL,
    size_bytes integer NOT NULL,  -- of the compact UTF-8 GeoJSON, as the file store writes it
    document jsonb NOT NULL,
    PRIMARY KEY (session_id, owner, version)
);
