-- A stored version is history: refuse UPDATE on it in the database too, whoever connects.

CREATE FUNCTION codesign_refuse_version_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stored concept versions are never changed: save a new version instead'
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER concept_versions_never_updated
BEFORE UPDATE ON concept_versions
FOR EACH ROW EXECUTE FUNCTION codesign_refuse_version_update();

CREATE TRIGGER concept_features_never_updated
BEFORE UPDATE ON concept_features
FOR EACH ROW EXECUTE FUNCTION codesign_refuse_version_update();
