-- A session's design-norm rule pack when the facilitator uploaded one (codesign.domain.rules.
-- StoredPack.to_json: its file name and TOML text), kept as the rounds and the votes are;
-- NULL: none uploaded (the site's own pack applies).

ALTER TABLE sessions ADD COLUMN rules jsonb;
