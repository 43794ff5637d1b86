"""``python -m codesign store copy``: a sessions folder into PostGIS and back, nothing changed on the way."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import Point, box

from codesign.cli import main
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.notices import Notice
from codesign.domain.prices import parse_price_list, with_budget
from codesign.domain.reasons import Reason, record_reason
from codesign.domain.rounds import Round, RoundPlan, RoundState, start
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.votes import Vote, VotingRules, cast
from codesign.errors import CodesignError
from codesign.storage.base import Store
from codesign.storage.copy import copy_sessions, session_owners
from codesign.storage.files import FileStore
from codesign.storage.postgis import PostgisStore

LON, LAT = 76.9341, 52.0354
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A minute later at every save."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def bench(i: int) -> ConceptFeature:
    return ConceptFeature(f"f{i}", "bench", Point(LON + i * 1e-5, LAT), label=f"Скамейка {i}")


def workshop(store: Store, title: str = "Форум") -> str:
    """A session with two teams' versions, a plan, a vision, rounds and votes."""
    session = store.create_session(site="aksu-city-square", title=title, teams=[("Орлы", None), ("Соколы", "#228833")])
    for team, count in (("team-1", 3), ("team-2", 2)):
        latest = Concept("aksu-city-square", team, title=f"Концепция {team}")
        for i in range(1, count + 1):
            latest = store.save_concept(
                session.id, team, replace(latest, features=(*latest.features, bench(i))), latest.version
            )
    plan = Concept(
        "aksu-city-square", PLAN_OWNER, features=(ConceptFeature("f1", "lawn", box(LON, LAT, LON + 3e-4, LAT + 2e-4)),)
    )
    store.save_concept(session.id, PLAN_OWNER, plan, 0)
    store.save_concept(session.id, VISION_OWNER, replace(plan, team=VISION_OWNER, title="Общее"), 0)
    rounds = RoundPlan((Round("Эскиз", 25, "sketch"), Round("Голосование", 5, "vote")))
    store.update_rounds(session.id, lambda _: start(RoundState(rounds), 1, now=1_000.0))
    store.update_votes(
        session.id,
        lambda rv: (VotingRules(dots=3), cast((), Vote("team-1", "", "team-2", "f1"), VotingRules(3), is_open=True)),
    )
    store.reissue_token(session.id, "team-2")  # links as they are now, not as created
    if title == "Первый":  # a price list of the city's own, a budget and a reason of the room
        city = parse_price_list('currency = "KZT"\n[zone]\nlawn = 5000 # the city\'s own\n', "city")
        store.update_costing(session.id, lambda c: with_budget(replace(c, prices=city, source="uploaded"), 9e7))
        sentence = Notice("compare.sentence.added", {"concept": "dog_area", "area": 120.5})
        reason = Reason("team-1", "added::dog_area", ("safety", "other"), "Собаки без поводка", sentence, "2026-12-01")
        store.update_reasons(session.id, lambda rs: record_reason(rs, reason))
    return session.id


def assert_same_workshop(a: Store, b: Store, session_id: str, *, same_times: bool = True) -> None:
    session = a.load_session(session_id)
    assert b.load_session(session_id) == session  # tokens, dates, colours and all
    for owner in session_owners(session):
        versions_a, versions_b = a.versions(session_id, owner), b.versions(session_id, owner)
        assert [(v.version, v.size) for v in versions_b] == [(v.version, v.size) for v in versions_a], owner
        if same_times:
            assert [v.saved_at for v in versions_b] == [v.saved_at for v in versions_a], owner
        for info in versions_a:
            assert b.load_version(session_id, owner, info.version) == a.load_version(session_id, owner, info.version)
    assert b.load_rounds(session_id) == a.load_rounds(session_id)
    assert b.load_votes(session_id) == a.load_votes(session_id)
    assert b.load_costing(session_id) == a.load_costing(session_id)
    assert b.load_costing(session_id).prices.text == a.load_costing(session_id).prices.text
    assert b.load_reasons(session_id) == a.load_reasons(session_id)
    assert [r.notice for r in b.load_reasons(session_id)] == [r.notice for r in a.load_reasons(session_id)]


def test_a_folder_goes_into_postgis_and_back_unchanged(tmp_path, postgis_url, monkeypatch, capsys):
    monkeypatch.delenv("CODESIGN_DATABASE_URL", raising=False)
    folder = FileStore(tmp_path / "before", now=Clock())
    first = workshop(folder, "Первый")
    second = workshop(folder, "Второй")

    assert main(["store", "copy", "--from", str(folder.root), "--to", postgis_url]) == 0
    out = capsys.readouterr().out
    assert (
        f"Copied {first} (Первый): versions team-1 3, team-2 2, plan 1, vision 1; rounds and votes; costing, reasons"
        in out
    )
    assert f"Copied {second} (Второй): versions team-1 3, team-2 2, plan 1, vision 1; rounds and votes\n" in out
    assert "2 session(s) copied." in out
    with PostgisStore(postgis_url) as database:
        for session_id in (first, second):
            # the file store dates a version by its file: the copy keeps the concept's own time
            assert_same_workshop(folder, database, session_id, same_times=False)
            for owner in ("team-1", PLAN_OWNER):
                saved = [
                    folder.load_version(session_id, owner, v.version).saved_at
                    for v in folder.versions(session_id, owner)
                ]
                assert [v.saved_at for v in database.versions(session_id, owner)] == saved
        # the database now goes on: a save lands after the copied versions
        assert database.save_concept(first, "team-1", Concept("aksu-city-square", "team-1"), 3).version == 4

    back = tmp_path / "after"
    assert main(["store", "copy", "--from", postgis_url, "--to", str(back)]) == 0
    with PostgisStore(postgis_url) as database:
        for session_id in (first, second):
            assert_same_workshop(database, FileStore(back), session_id)  # file times set from the saves
    assert [p.name for p in back.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_version_numbers_left_by_damaged_files_are_kept_not_renumbered(tmp_path, postgis_url):
    folder = FileStore(tmp_path / "before", now=Clock())
    session = folder.create_session(site="aksu-city-square", title="Форум", teams=[("Орлы", None)])
    for version in range(2):
        folder.save_concept(
            session.id, "team-1", Concept("aksu-city-square", "team-1", title=f"v{version + 1}"), version
        )
    (folder.root / session.id / "concepts" / "team-1" / "v000003.geojson").write_text('{"type": "Feat')
    assert folder.latest_version(session.id, "team-1") == 2  # v3 is set aside as damaged
    folder.save_concept(session.id, "team-1", Concept("aksu-city-square", "team-1", title="v4"), 2)

    with PostgisStore(postgis_url) as database:
        [copied] = copy_sessions(folder, database)
        assert copied.damaged_skipped == 1
        assert "1 damaged version(s) in the source not copied" in copied.summary()
        assert [v.version for v in database.versions(session.id, "team-1")] == [1, 2, 4]
        back = FileStore(tmp_path / "after")
        copy_sessions(database, back)
    assert [v.version for v in back.versions(session.id, "team-1")] == [1, 2, 4]
    assert back.load_latest(session.id, "team-1").title == "v4"


def test_a_session_already_in_the_target_is_refused_before_anything_is_copied(tmp_path, postgis_url, capsys):
    folder = FileStore(tmp_path / "sessions")
    one = workshop(folder, "Один")
    with PostgisStore(postgis_url) as database:
        copy_sessions(folder, database, [one])
        two = workshop(folder, "Два")
        with pytest.raises(CodesignError) as err:
            copy_sessions(folder, database)
        assert err.value.key == "session.exists"
        assert [s.id for s in database.list_sessions()] == [one]  # "Два" was not copied either
        copy_sessions(folder, database, [two])  # one session by id
        assert {s.id for s in database.list_sessions()} == {one, two}
    assert main(["store", "copy", "--from", postgis_url, "--to", str(folder.root)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_folder_to_folder_copies_work_too(tmp_path):
    source = FileStore(tmp_path / "a", now=Clock())
    session_id = workshop(source)
    target = FileStore(tmp_path / "b")
    [copied] = copy_sessions(source, target)
    assert copied.versions == {"team-1": 3, "team-2": 2, PLAN_OWNER: 1, VISION_OWNER: 1}
    assert_same_workshop(source, target, session_id, same_times=False)
