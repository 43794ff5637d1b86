-- Every feature of every version as a PostGIS geometry (WGS84, SRID 4326), so GIS staff can
-- query concepts directly (QGIS: add the table or the view as a PostGIS layer). Versions stored
-- before this migration get their features from their documents.

CREATE TABLE concept_features (
    session_id text NOT NULL,
    owner text NOT NULL,
    version integer NOT NULL,
    feature_id text NOT NULL,
    category text NOT NULL,
    kind text NOT NULL,  -- zone, path or amenity
    label text NOT NULL DEFAULT '',
    note text NOT NULL DEFAULT '',
    geom geometry(Geometry, 4326) NOT NULL,
    PRIMARY KEY (session_id, owner, version, feature_id),
    FOREIGN KEY (session_id, owner, version) REFERENCES concept_versions ON DELETE CASCADE
);

CREATE INDEX concept_features_geom ON concept_features USING gist (geom);

INSERT INTO concept_features (session_id, owner, version, feature_id, category, kind, label, note, geom)
SELECT v.session_id, v.owner, v.version,
       f -> 'properties' ->> 'id',
       f -> 'properties' ->> 'category',
       f -> 'properties' ->> 'kind',
       coalesce(f -> 'properties' ->> 'label', ''),
       coalesce(f -> 'properties' ->> 'note', ''),
       ST_SetSRID(ST_GeomFromGeoJSON(f -> 'geometry'), 4326)
FROM concept_versions AS v, jsonb_array_elements(v.document -> 'features') AS f;

-- The features of each owner's newest version: what the room sees now.
CREATE VIEW latest_concept_features AS
SELECT f.*
FROM concept_features AS f
JOIN (
    SELECT session_id, owner, max(version) AS version
    FROM concept_versions
    GROUP BY session_id, owner
) AS latest USING (session_id, owner, version);
