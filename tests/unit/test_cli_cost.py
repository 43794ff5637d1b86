"""python -m codesign cost: the documented JSON with totals worked out by hand, the session's prices and budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import LineString, Point, box

from codesign.cli import main
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.prices import SessionCosting, parse_price_list, with_budget
from codesign.domain.site import load_site
from codesign.storage.files import FileStore

DOCS = Path(__file__).resolve().parents[2] / "docs"
PRICES = """\
currency = "KZT"
[zone]
playground = 1000
[path]
walkway = 200
[amenity]
bench = 50
"""


@pytest.fixture
def workshop(tmp_path, monkeypatch):
    """A session whose team-1 drew, in the site's metres: a 20 x 15 playground, 40 m of walkway, 2 benches."""
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(tmp_path / "sessions"))
    store = FileStore(tmp_path / "sessions")
    session = store.create_session(site="aksu-city-square", title="Форум", teams=[("Орлы", None), ("Соколы", None)])
    frame = load_site("aksu-city-square").frame
    c = frame.boundary.centroid
    shapes = [
        ("playground", box(c.x - 10, c.y - 7.5, c.x + 10, c.y + 7.5)),
        ("walkway", LineString([(c.x - 20, c.y + 20), (c.x + 20, c.y + 20)])),
        ("bench", Point(c.x, c.y - 15)),
        ("bench", Point(c.x + 5, c.y - 15)),
        ("dog_area", box(c.x + 20, c.y - 20, c.x + 30, c.y - 10)),
    ]
    features = tuple(
        ConceptFeature(f"f{i}", cid, frame.to_lonlat(geom)) for i, (cid, geom) in enumerate(shapes, start=1)
    )
    store.save_concept(session.id, "team-1", Concept("aksu-city-square", "team-1", features=features), 0)
    prices_file = tmp_path / "city.toml"
    prices_file.write_text(PRICES, encoding="utf-8")
    return store, session, prices_file


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cost_json_by_hand_with_a_price_list_file(workshop, capsys):
    store, session, prices_file = workshop
    code, out, err = run(capsys, "cost", session.id, "--team", "team-1", "--prices", str(prices_file), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"currency", "total", "by_category"} <= set(data)
    assert data["currency"] == "KZT"
    by_category = data["by_category"]
    assert by_category["playground"]["quantity"] == pytest.approx(300, abs=0.05)
    assert by_category["playground"]["unit"] == "m2"
    assert by_category["playground"]["unit_price"] == 1000
    assert by_category["playground"]["cost"] == pytest.approx(300_000, abs=50)
    assert by_category["walkway"]["quantity"] == pytest.approx(40, abs=0.01)
    assert by_category["walkway"]["cost"] == pytest.approx(8_000, abs=2)
    assert by_category["bench"] == {"quantity": 2, "unit": "pcs", "unit_price": 50, "cost": 100}
    assert by_category["dog_area"]["cost"] is None  # this list has no price for it
    assert data["unpriced"] == ["dog_area"]
    assert data["total"] == pytest.approx(300_000 + 8_000 + 100, abs=60)
    assert (data["owner"], data["version"], data["budget"], data["share_of_budget"]) == ("team-1", 1, None, None)


def test_cost_uses_the_sessions_price_list_and_budget(workshop, capsys):
    store, session, _ = workshop
    city = parse_price_list(PRICES, "city")
    store.update_costing(session.id, lambda _: with_budget(SessionCosting(city, source="uploaded"), 200_000))
    code, out, err = run(capsys, "cost", session.id, "--team", "team-1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["price_list"] == "city"
    assert data["budget"] == 200_000
    assert data["share_of_budget"] == pytest.approx(308_100 / 200_000, abs=1e-3)
    code, out, err = run(capsys, "--lang", "ru", "cost", session.id, "--team", "team-1")
    assert code == 0, err
    assert "Детская площадка [playground]" in out
    assert "Total: 308" in out
    assert "over by 108" in out
    assert "Площадка для собак [dog_area]" in out  # listed as having no price


def test_the_default_price_list_says_it_is_illustrative(workshop, capsys):
    _, session, _ = workshop
    code, out, _ = run(capsys, "cost", session.id, "--team", "team-1")
    assert code == 0
    assert "aksu-2026-illustrative (KZT)" in out
    assert "Illustrative prices" in out
    assert "₸" in out


def test_a_malformed_price_list_file_is_refused_with_every_line(workshop, tmp_path, capsys):
    _, session, _ = workshop
    bad = tmp_path / "bad.toml"
    bad.write_text('currency = "KZT"\n[zone]\nlawn = -4\n[amenity]\nswing = 3\n', encoding="utf-8")
    code, out, err = run(capsys, "cost", session.id, "--team", "team-1", "--prices", str(bad), "--json")
    assert code == 2
    assert out == ""
    assert "line 3" in err
    assert "line 5" in err
    assert "swing" in err
    assert "2 problem(s)" in err


def test_cost_refuses_an_unknown_team_and_a_concept_not_saved(workshop, capsys):
    _, session, _ = workshop
    assert run(capsys, "cost", session.id, "--team", "team-9")[0] == 2
    code, _, err = run(capsys, "cost", session.id, "--team", "plan")
    assert code == 2
    assert "plan" in err.lower()
    code, _, err = run(capsys, "cost", session.id, "--team", "team-1", "--prices", "/no/such/file.toml")
    assert code == 2
    assert "/no/such/file.toml" in err


def test_cost_format_is_documented():
    text = (DOCS / "cost-format.md").read_text(encoding="utf-8")
    for key in ("currency", "total", "by_category", "quantity", "unit_price", "unpriced", "share_of_budget"):
        assert f"`{key}`" in text
