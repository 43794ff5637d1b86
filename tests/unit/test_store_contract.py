"""What every store promises (codesign.storage.base.Store), checked on the file store and on PostGIS alike."""

from __future__ import annotations

import inspect
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from shapely.geometry import LineString, Point, box

from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.rounds import Round, RoundPlan, RoundState, start
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.domain.votes import Vote, VotingRules, cast
from codesign.errors import CodesignError, InvalidConceptError, InvalidIdentifier, SessionNotFound
from codesign.storage.base import Store
from codesign.storage.files import FileStore
from codesign.storage.postgis import SESSION_FIELDS, PostgisStore

LON, LAT = 76.9341, 52.0354


def varied_concept(team: str = "team-1") -> Concept:
    """A zone, a path and an amenity, with Cyrillic and Kazakh text."""
    return Concept(
        "aksu-city-square",
        team,
        title="Жасыл аула",
        description="Көлеңке және итке арналған орын",
        features=(
            ConceptFeature("f1", "playground", box(LON, LAT, LON + 0.0004, LAT + 0.0003), label="Горка"),
            ConceptFeature(
                "f2", "walkway", LineString([(LON, LAT), (LON + 0.0005, LAT + 0.0001)]), note="по диагонали"
            ),
            ConceptFeature("f3", "bench", Point(LON + 0.0002, LAT + 0.0001)),
        ),
    )


def test_both_stores_offer_every_public_method_of_the_file_store_with_the_same_parameters():
    public = {name for name, _ in inspect.getmembers(FileStore, inspect.isfunction) if not name.startswith("_")}
    protocol = {
        name
        for part in (Store, *Store.__bases__)  # the Store protocol and the parts it is made of (RoomStore)
        for name in part.__dict__
        if not name.startswith("_") and callable(part.__dict__[name])
    }
    assert public == protocol, "codesign.storage.base.Store must list exactly the file store's public methods"
    for name in sorted(public):
        file_params = list(inspect.signature(getattr(FileStore, name)).parameters)
        assert list(inspect.signature(getattr(PostgisStore, name)).parameters) == file_params, name
        assert list(inspect.signature(getattr(Store, name)).parameters) == file_params, name


def test_the_postgis_store_has_a_column_for_every_session_field():
    assert tuple(f.name for f in fields(Session)) == SESSION_FIELDS, "a new Session field needs a migration"


def test_store_fixture_is_a_store(store):
    assert isinstance(store, Store)


def test_a_session_reads_back_exactly_and_sessions_are_listed_newest_first(store):
    first = store.create_session(
        site="aksu-city-square", title="  Форум  ", teams=[("Орлы", "#112233"), ("Соколы", None)], day=date(2026, 5, 1)
    )
    second = store.create_session(
        site="aksu-city-square", title="Второй", teams=[("A", None)], day=date(2026, 6, 1), illustrative=True
    )
    assert first.title == "Форум"
    assert [t.colour for t in first.teams] == ["#112233", "#EE6677"]
    assert store.load_session(first.id) == first
    assert store.load_session(second.id) == second
    assert [s.id for s in store.list_sessions()] == [second.id, first.id]


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"title": " "}, "session.bad_title"),
        ({"title": "x" * 121}, "session.bad_title"),
        ({"teams": []}, "session.bad_team_count"),
        ({"teams": [(f"T{i}", None) for i in range(41)]}, "session.bad_team_count"),
        ({"teams": [("", None)]}, "session.bad_team_name"),
        ({"teams": [("x" * 61, None)]}, "session.bad_team_name"),
        ({"teams": [("Орлы", None), ("орлы ", None)]}, "session.duplicate_team"),
        ({"teams": [("A", "red")]}, "session.bad_colour"),
    ],
)
def test_both_stores_refuse_the_same_bad_sessions_and_store_nothing(store, kwargs, key):
    arguments = {"site": "aksu-city-square", "title": "Форум", "teams": [("A", None)], **kwargs}
    with pytest.raises(CodesignError) as err:
        store.create_session(**arguments)
    assert err.value.key == key
    assert store.list_sessions() == []


def test_a_session_id_is_taken_once(store):
    store.create_session(site="aksu-city-square", title="A", teams=[("A", None)], session_id="forum-1")
    with pytest.raises(CodesignError) as err:
        store.create_session(site="aksu-city-square", title="B", teams=[("B", None)], session_id="forum-1")
    assert err.value.key == "session.exists"
    assert store.load_session("forum-1").title == "A"


def test_update_session_and_new_links(store):
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None), ("B", None)])
    renamed = replace(session, title="Новый", teams=(replace(session.teams[0], name="Альфа"), session.teams[1]))
    store.update_session(renamed)
    assert store.load_session(session.id) == renamed
    again = store.reissue_token(session.id, "team-2")
    assert again.teams[1].token != session.teams[1].token
    assert again.teams[0].token == session.teams[0].token
    assert store.load_session(session.id) == again
    reviewed = store.reissue_token(session.id, "reviewer")
    assert reviewed.review_token != session.review_token
    with pytest.raises(CodesignError) as err:
        store.reissue_token(session.id, "team-9")
    assert err.value.key == "error.team_not_found"
    with pytest.raises(SessionNotFound):
        store.update_session(replace(session, id="no-such-session"))


def test_a_concept_round_trips_with_text_and_geometry_and_times(reopen_store):
    clock = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    store = reopen_store(now=lambda: clock[0])
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None)])
    clock[0] += timedelta(minutes=1)
    first = store.save_concept(session.id, "team-1", varied_concept(), base_version=0)
    clock[0] += timedelta(minutes=1)
    second = store.save_concept(session.id, "team-1", replace(first, title="Второй"), base_version=1)
    assert (first.version, first.saved_at) == (1, "2026-12-01T09:01:00+00:00")
    assert (second.version, second.saved_at) == (2, "2026-12-01T09:02:00+00:00")
    assert store.load_version(session.id, "team-1", 1) == first
    assert store.load_latest(session.id, "team-1") == second
    infos = store.versions(session.id, "team-1")
    assert [v.version for v in infos] == [1, 2]
    assert all(v.size > 500 for v in infos)
    if isinstance(store, PostgisStore):  # the file store reports the file's time, not the injected clock's
        assert [v.saved_at for v in infos] == [first.saved_at, second.saved_at]
    for info in infos:
        assert datetime.fromisoformat(info.saved_at).utcoffset() == timedelta(0)
    assert store.latest_version(session.id, "team-1") == 2
    for owner in (PLAN_OWNER, VISION_OWNER):
        store.save_concept(session.id, owner, varied_concept(owner), base_version=0)
        assert store.load_latest(session.id, owner).team == owner


def test_missing_versions_sessions_and_bad_ids(store):
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None)])
    assert store.latest_version(session.id, "team-1") == 0
    assert store.versions(session.id, "team-1") == []
    assert store.load_latest(session.id, "team-1") is None
    assert store.damaged_versions(session.id) == []
    with pytest.raises(CodesignError) as err:
        store.load_version(session.id, "team-1", 3)
    assert err.value.key == "error.version_not_found"
    with pytest.raises(SessionNotFound):
        store.load_latest("no-such-session", "team-1")
    with pytest.raises(SessionNotFound):
        store.damaged_versions("no-such-session")
    with pytest.raises(SessionNotFound):
        store.save_concept("no-such-session", "team-1", varied_concept(), base_version=0)
    with pytest.raises(InvalidIdentifier):
        store.save_concept(session.id, "../team-1", varied_concept(), base_version=0)
    with pytest.raises(InvalidIdentifier):
        store.load_latest(session.id, "Team 1")


def test_a_concept_that_would_not_read_back_is_refused_and_nothing_is_stored(store):
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None)])
    too_long = replace(varied_concept(), title="x" * 121)
    with pytest.raises(InvalidConceptError) as err:
        store.save_concept(session.id, "team-1", too_long, base_version=0)
    assert err.value.key == "concept.too_long"
    assert store.versions(session.id, "team-1") == []


def test_rounds_and_votes_start_empty_and_keep_each_change(store):
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None), ("B", None)])
    assert store.load_rounds(session.id) == RoundState()
    assert store.load_votes(session.id) == (VotingRules(), ())
    plan = RoundPlan((Round("Эскиз", 25, "sketch"), Round("Голосование", 5, "vote")))
    state = store.update_rounds(session.id, lambda _: start(RoundState(plan), 1, now=1000.0))
    assert store.load_rounds(session.id) == state
    votes = store.update_votes(
        session.id,
        lambda rv: (VotingRules(dots=2), cast(rv[1], Vote("team-1", "", "team-2", "f1"), VotingRules(2), is_open=True)),
    )
    assert store.load_votes(session.id) == votes

    def refuse(_):
        raise CodesignError("votes.refused")

    with pytest.raises(CodesignError):
        store.update_votes(session.id, refuse)
    assert store.load_votes(session.id) == votes  # a refused change changes nothing
    with pytest.raises(SessionNotFound):
        store.update_rounds("no-such-session", lambda s: s)


def test_costing_and_reasons_start_empty_keep_each_change_and_read_back_in_another_process(store, reopen_store):
    from codesign.domain.notices import Notice
    from codesign.domain.prices import SessionCosting, load_price_list, parse_price_list, with_budget
    from codesign.domain.reasons import Reason, record_reason

    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("A", None), ("B", None)])
    assert store.load_costing(session.id) == SessionCosting(load_price_list(), None, "bundled")
    assert store.load_reasons(session.id) == ()
    text = '# the city\'s prices, 2026\ncurrency = "KZT"\n[title]\nkk = "Қала бағалары"\n[zone]\nlawn = 5200\n'
    city = parse_price_list(text, "city-2026")
    costing = store.update_costing(session.id, lambda c: with_budget(SessionCosting(city, c.budget, "uploaded"), 2.5e8))
    sentence = Notice("compare.sentence.replaced", {"plan": "lawn", "concept": "playground", "area": 310.25})
    first = Reason("team-1", "replaced:lawn:playground", ("children", "safety"), "Детям негде играть", sentence, "t1")
    second = Reason("vision", "added::dog_area", ("other",), "Иттерге арналған орын", None, "t2")
    store.update_reasons(session.id, lambda rs: record_reason(rs, first))
    reasons = store.update_reasons(session.id, lambda rs: record_reason(rs, second))

    def refuse(_):
        raise CodesignError("reasons.invalid", field="choices")

    with pytest.raises(CodesignError):
        store.update_reasons(session.id, refuse)
    again = reopen_store()
    assert again.load_costing(session.id) == costing
    assert again.load_costing(session.id).prices.text == text  # the uploaded file kept as it was
    assert again.load_costing(session.id).budget == 2.5e8
    loaded = again.load_reasons(session.id)
    assert loaded == reasons
    assert [(r.choices, r.text, r.notice, r.recorded_at) for r in loaded] == [
        (("safety", "children"), "Детям негде играть", sentence, "t1"),
        (("other",), "Иттерге арналған орын", None, "t2"),
    ]
    cleared = again.update_reasons(session.id, lambda rs: record_reason(rs, Reason("team-1", first.difference, ())))
    assert [r.owner for r in store.load_reasons(session.id)] == [r.owner for r in cleared] == ["vision"]
    with pytest.raises(SessionNotFound):
        store.update_costing("no-such-session", lambda c: c)


def test_an_uploaded_rule_pack_is_kept_with_its_session_exactly(store):
    from codesign.domain.rules import StoredPack

    session = store.create_session(site="aksu-city-square", title="Нормы", teams=[("A", None)])
    assert store.load_rules(session.id) is None  # none uploaded: the site's pack applies
    pack = StoredPack("город.toml", '[pack]\nid = "city"\n# Қала ережелері: «40 м»\n')
    store.save_rules(session.id, pack)
    assert store.load_rules(session.id) == pack
    store.save_rules(session.id, None)
    assert store.load_rules(session.id) is None
    with pytest.raises(SessionNotFound):
        store.load_rules("no-such-session")
    with pytest.raises(SessionNotFound):
        store.save_rules("no-such-session", pack)
