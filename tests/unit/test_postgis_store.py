"""The PostGIS store itself: schema migrations, PostGIS geometries, database rules, errors, open_store."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from shapely.geometry import LineString, Point, box

from codesign.domain.concept import Concept, ConceptFeature, concept_to_geojson
from codesign.domain.site import load_site
from codesign.errors import InvalidConceptError, StoreError
from codesign.storage.base import open_store
from codesign.storage.files import FileStore
from codesign.storage.migrations import (
    Migration,
    SchemaTooNewError,
    applied_migrations,
    apply_migrations,
    available_migrations,
)
from codesign.storage.postgis import PostgisStore
from tests.support.serve import free_port

SITE = load_site("aksu-city-square")
C = SITE.boundary.centroid


def concept(team: str = "team-1", title: str = "") -> Concept:
    return Concept(
        SITE.id,
        team,
        title=title,
        features=(
            ConceptFeature("f1", "playground", box(C.x - 0.0003, C.y - 0.0002, C.x + 0.0003, C.y + 0.0002)),
            ConceptFeature("f2", "walkway", LineString([(C.x - 0.0004, C.y), (C.x + 0.0004, C.y)]), label="Аллея"),
            ConceptFeature("f3", "bench", Point(C.x, C.y + 0.0001), note="у фонтана"),
        ),
    )


@pytest.fixture
def pg(postgis_url):
    with PostgisStore(postgis_url) as store:
        yield store


@pytest.fixture
def sql(postgis_url):
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        yield conn


# ----------------------------------------------------------------------------- migrations


def test_migrations_are_numbered_files_applied_once_in_order(postgis_url, sql):
    numbers = [m.number for m in available_migrations()]
    assert numbers == sorted(set(numbers))
    assert numbers[:3] == [1, 2, 3]
    assert apply_migrations(sql) == numbers
    assert apply_migrations(sql) == []  # twice: a no-op
    assert applied_migrations(sql) == numbers
    PostgisStore(postgis_url).close()  # connecting applies nothing new either
    assert sql.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(numbers)


def test_an_old_database_is_upgraded_and_its_versions_get_their_geometries(postgis_url, sql):
    assert apply_migrations(sql, up_to=1) == [1]  # a database from before the features table
    document = concept_to_geojson(replace(concept(), version=1, saved_at="2026-12-01T09:00:00+00:00"))
    sql.execute(
        "INSERT INTO sessions (id, title, site, date, created_at)"
        " VALUES ('old-forum', 'Старый', %s, '2026-12-01', now())",
        (SITE.id,),
    )
    sql.execute("INSERT INTO teams VALUES ('old-forum', 0, 'team-1', 'Орлы', '#4477AA', 'token-token-token')")
    sql.execute(
        "INSERT INTO concept_versions VALUES ('old-forum', 'team-1', 1, '2026-12-01T09:00:00+00:00', 10, %s::jsonb)",
        (json.dumps(document),),
    )
    with PostgisStore(postgis_url) as store:  # the new app connects: 2 and 3 are applied
        assert applied_migrations(sql) == [m.number for m in available_migrations()]
        assert store.load_latest("old-forum", "team-1") == replace(
            concept(), version=1, saved_at=document["codesign"]["saved_at"]
        )
        rows = sql.execute(
            "SELECT feature_id, kind, ST_SRID(geom) FROM latest_concept_features WHERE session_id = 'old-forum'"
            " ORDER BY feature_id"
        ).fetchall()
        assert rows == [("f1", "zone", 4326), ("f2", "path", 4326), ("f3", "amenity", 4326)]
        saved = store.save_concept("old-forum", "team-1", concept(title="новый"), base_version=1)
        assert saved.version == 2


def test_a_migration_that_fails_changes_nothing(postgis_url, sql):
    broken = (*available_migrations()[:1], Migration(2, "broken", "CREATE TABLE half_made (a int); SELECT 1/0;"))
    with pytest.raises(psycopg.errors.DivisionByZero):
        apply_migrations(sql, broken)
    assert applied_migrations(sql) == []  # all in one transaction: not even migration 1
    assert sql.execute("SELECT to_regclass('sessions')").fetchone()[0] is None


def test_a_database_migrated_by_a_newer_app_is_refused_with_the_reason(postgis_url, sql):
    apply_migrations(sql)
    sql.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')")
    with pytest.raises(SchemaTooNewError):
        apply_migrations(sql)
    with pytest.raises(StoreError) as err:
        PostgisStore(postgis_url)
    assert "migration 999" in str(err.value)
    assert "update the app" in str(err.value)


def test_app_processes_starting_together_migrate_once(postgis_url, sql):
    errors: list[BaseException] = []

    def connect() -> None:
        try:
            PostgisStore(postgis_url).close()
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=connect) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert applied_migrations(sql) == [m.number for m in available_migrations()]


def test_migration_files_are_named_and_numbered_strictly(tmp_path):
    (tmp_path / "0001_first.sql").write_text("SELECT 1;")
    (tmp_path / "0003_third.sql").write_text("SELECT 1;")
    assert [m.number for m in available_migrations(tmp_path)] == [1, 3]  # a number held by another branch
    (tmp_path / "0003_again.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="each used once"):
        available_migrations(tmp_path)
    (tmp_path / "0003_again.sql").unlink()
    (tmp_path / "two.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="NNNN_what_it_does"):
        available_migrations(tmp_path)


# ----------------------------------------------------------------------------- PostGIS and the database's own rules


def test_features_are_postgis_geometries_gis_staff_can_query(pg, sql):
    session = pg.create_session(site=SITE.id, title="Форум", teams=[("Орлы", None)])
    pg.save_concept(session.id, "team-1", concept(), base_version=0)
    pg.save_concept(session.id, "team-1", replace(concept(), features=concept().features[:1]), base_version=1)
    rows = sql.execute(
        "SELECT version, feature_id, category, kind, label, note, GeometryType(geom), ST_SRID(geom),"
        " ST_Area(geom::geography), ST_Length(geom::geography)"
        " FROM concept_features WHERE session_id = %s ORDER BY version, feature_id",
        (session.id,),
    ).fetchall()
    assert [r[:8] for r in rows] == [
        (1, "f1", "playground", "zone", "", "", "POLYGON", 4326),
        (1, "f2", "walkway", "path", "Аллея", "", "LINESTRING", 4326),
        (1, "f3", "bench", "amenity", "", "у фонтана", "POINT", 4326),
        (2, "f1", "playground", "zone", "", "", "POLYGON", 4326),
    ]
    metric = SITE.frame.to_metric(concept().features[0].geometry).area
    assert rows[0][8] == pytest.approx(metric, rel=0.01)  # the same m² as the app measures in UTM
    assert rows[1][9] == pytest.approx(SITE.frame.to_metric(concept().features[1].geometry).length, rel=0.01)
    latest = sql.execute("SELECT version, feature_id FROM latest_concept_features WHERE session_id = %s", (session.id,))
    assert latest.fetchall() == [(2, "f1")]
    document = sql.execute(
        "SELECT document -> 'codesign' ->> 'format', jsonb_array_length(document -> 'features')"
        " FROM concept_versions WHERE session_id = %s AND version = 1",
        (session.id,),
    ).fetchone()
    assert document == ("codesign-concept/1", 3)


def test_a_stored_version_cannot_be_updated_even_from_outside_the_app(pg, sql):
    session = pg.create_session(site=SITE.id, title="Форум", teams=[("Орлы", None)])
    pg.save_concept(session.id, "team-1", concept(), base_version=0)
    with pytest.raises(psycopg.errors.RestrictViolation, match="never changed"):
        sql.execute("UPDATE concept_versions SET owner = 'team-2'")
    with pytest.raises(psycopg.errors.RestrictViolation):
        sql.execute("UPDATE concept_features SET category = 'lawn'")
    with pytest.raises(psycopg.errors.UniqueViolation):  # and a second row for a number already taken
        sql.execute(
            "INSERT INTO concept_versions SELECT session_id, owner, version, saved_at, size_bytes, document"
            " FROM concept_versions"
        )
    assert pg.load_latest(session.id, "team-1") == pg.load_version(session.id, "team-1", 1)


def test_text_postgresql_cannot_hold_is_refused_naming_the_field(pg):
    session = pg.create_session(site=SITE.id, title="Форум", teams=[("Орлы", None)])
    with pytest.raises(InvalidConceptError) as err:
        pg.save_concept(session.id, "team-1", replace(concept(), title="a\x00b"), base_version=0)
    assert err.value.params == {"field": "title"}
    bad_label = replace(concept(), features=(replace(concept().features[2], label="\x00"),))
    with pytest.raises(InvalidConceptError) as err:
        pg.save_concept(session.id, "team-1", bad_label, base_version=0)
    assert err.value.params == {"field": "label"}
    assert pg.versions(session.id, "team-1") == []


# ----------------------------------------------------------------------------- connections


def test_an_unreachable_database_is_a_store_error_with_the_reason_and_no_password():
    url = f"postgresql://ann:very-secret@127.0.0.1:{free_port()}/codesign"
    with pytest.raises(StoreError) as err:
        PostgisStore(url, timeout_s=2)
    message = str(err.value)
    assert "127.0.0.1" in message
    assert "very-secret" not in message
    assert err.value.key == "save.failed"


def test_the_store_recovers_when_the_database_drops_its_connections(postgis_url, sql):
    with PostgisStore(postgis_url, timeout_s=2) as store:
        session = store.create_session(site=SITE.id, title="Форум", teams=[("Орлы", None)])
        sql.execute(  # the database drops every connection of the store (a restart, a network cut)
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'tugan-qala-codesign' AND pid <> pg_backend_pid()"
        )
        assert store.load_session(session.id) == session  # a broken connection is replaced, not handed out


# ----------------------------------------------------------------------------- choosing the store


def test_open_store_picks_postgis_when_a_database_url_is_set(postgis_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path / "folder"))
    monkeypatch.delenv("CODESIGN_DATABASE_URL", raising=False)
    chosen = open_store()
    assert isinstance(chosen, FileStore)
    assert chosen.root == Path(tmp_path / "folder")
    monkeypatch.setenv("CODESIGN_DATABASE_URL", postgis_url)
    with open_store() as chosen:
        assert isinstance(chosen, PostgisStore)
    assert isinstance(open_store(database_url=""), FileStore)  # "" means: no database
    with open_store(database_url=postgis_url) as chosen:
        assert isinstance(chosen, PostgisStore)


def test_the_command_line_works_on_the_database_when_the_url_is_set(postgis_url, tmp_path, monkeypatch, capsys):
    from codesign.cli import main

    monkeypatch.setenv("CODESIGN_DATABASE_URL", postgis_url)
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path / "unused"))
    monkeypatch.setenv("CODESIGN_FACILITATOR_SECRET", "cli-secret-0123456789")
    assert main(["demo"]) == 0
    assert main(["session", "show", "aksu-demo"]) == 0
    assert "team-1\tversion 1," in capsys.readouterr().out
    with PostgisStore(postgis_url) as store:
        assert store.load_latest("aksu-demo", "plan").version == 1
    assert not (tmp_path / "unused" / "aksu-demo").exists()  # nothing went to the folder
