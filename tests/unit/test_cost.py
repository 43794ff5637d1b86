"""Price lists and cost estimates, with totals worked out by hand from shapes drawn on paper."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point, box

from codesign.analysis.cost import budget_use, concept_cost, cost_difference, feature_cost
from codesign.domain.concept import Concept, ConceptFeature
from codesign.domain.prices import (
    DEFAULT_PRICE_LIST,
    PriceList,
    PriceListError,
    SessionCosting,
    bundled_price_lists,
    costing_from_json,
    costing_to_json,
    load_price_list,
    parse_price_list,
    price_list_to_toml,
    read_price_list_upload,
    with_budget,
    with_prices,
)
from codesign.domain.taxonomy import categories
from codesign.errors import CodesignError
from codesign.i18n import translate

CITY_PRICES = """\
currency = "KZT"
illustrative = false

[zone]
playground = 70000
lawn = 4500

[path]
walkway = 50000

[amenity]
bench = 250000
tree = 120000
"""


def concept(paper, team, *shapes) -> Concept:
    features = tuple(ConceptFeature(f"f{i}", cid, paper.lonlat(geom)) for i, (cid, geom) in enumerate(shapes, start=1))
    return Concept("test-site", team, features=features)


@pytest.fixture
def drawn(paper) -> Concept:
    """On paper (metres): a 20 x 15 playground, a 40 x 50 lawn, two 30 x 30 lawns overlapping by
    10 x 30, walkways of 100 m and 40 m, three benches, two trees and a 10 x 10 dog area."""
    return concept(
        paper,
        "team-1",
        ("playground", box(0, 0, 20, 15)),
        ("lawn", box(20, 0, 60, 50)),
        ("lawn", box(0, 50, 30, 80)),
        ("lawn", box(20, 50, 50, 80)),
        ("walkway", LineString([(0, 90), (100, 90)])),
        ("walkway", LineString([(50, 0), (50, 40)])),
        ("bench", Point(5, 20)),
        ("bench", Point(10, 20)),
        ("bench", Point(15, 20)),
        ("tree", Point(70, 70)),
        ("tree", Point(80, 70)),
        ("dog_area", box(80, 0, 90, 10)),
    )


def test_cost_totals_by_hand(paper, drawn):
    estimate = concept_cost(drawn, paper.frame, parse_price_list(CITY_PRICES, "city"))
    lines = {
        cid: (round(line.quantity, 3), line.unit, line.unit_price, line.cost) for cid, line in estimate.lines.items()
    }
    # playground 300 m² x 70,000; lawn 2,000 + 1,500 m² (the overlap of 300 m² counted once) x 4,500;
    # walkway 140 m x 50,000; 3 benches x 250,000; 2 trees x 120,000; the dog area has no price
    assert lines["playground"][:3] == (300.0, "m2", 70000.0)
    assert lines["lawn"][:3] == (3500.0, "m2", 4500.0)
    assert lines["walkway"][:3] == (140.0, "m", 50000.0)
    assert lines["bench"] == (3.0, "pcs", 250000.0, 750000.0)
    assert lines["tree"] == (2.0, "pcs", 120000.0, 240000.0)
    assert lines["dog_area"][3] is None
    assert estimate.lines["playground"].cost == pytest.approx(21_000_000, abs=1)
    assert estimate.lines["lawn"].cost == pytest.approx(15_750_000, abs=1)
    assert estimate.lines["walkway"].cost == pytest.approx(7_000_000, abs=1)
    assert estimate.total == pytest.approx(21_000_000 + 15_750_000 + 7_000_000 + 750_000 + 240_000, abs=2)
    assert estimate.unpriced() == ["dog_area"]
    assert list(estimate.lines) == ["playground", "lawn", "dog_area", "walkway", "bench", "tree"]  # taxonomy order


def test_cost_json_by_hand(paper, drawn):
    data = concept_cost(drawn, paper.frame, parse_price_list(CITY_PRICES, "city")).to_json(budget=50_000_000)
    assert data["currency"] == "KZT"
    assert data["total"] == pytest.approx(44_740_000, abs=2)
    assert data["by_category"]["lawn"] == {"quantity": 3500.0, "unit": "m2", "unit_price": 4500.0, "cost": 15750000.0}
    assert data["by_category"]["dog_area"]["cost"] is None
    assert data["unpriced"] == ["dog_area"]
    assert data["share_of_budget"] == pytest.approx(44_740_000 / 50_000_000, abs=1e-4)
    assert data["price_list"] == "city"
    assert data["illustrative"] is False


def test_feature_costs(paper, drawn):
    prices = parse_price_list(CITY_PRICES, "city")
    lawn = feature_cost(drawn.feature("f3"), paper.frame, prices)
    assert (round(lawn.quantity, 3), lawn.cost) == (900.0, pytest.approx(900 * 4500, abs=0.5))
    bench = feature_cost(drawn.feature("f7"), paper.frame, prices)
    assert (bench.quantity, bench.unit, bench.cost) == (1.0, "pcs", 250000.0)
    walk = feature_cost(drawn.feature("f6"), paper.frame, prices)
    assert (round(walk.quantity, 3), walk.unit) == (40.0, "m")


def test_concept_against_plan_by_category(paper, drawn):
    prices = parse_price_list(CITY_PRICES, "city")
    plan = concept(paper, "plan", ("lawn", box(0, 0, 100, 50)), ("bench", Point(50, 60)))
    diff = cost_difference(concept_cost(drawn, paper.frame, prices), concept_cost(plan, paper.frame, prices))
    assert diff["lawn"] == (
        pytest.approx(15_750_000, abs=1),
        pytest.approx(22_500_000, abs=1),
        pytest.approx(-6_750_000, abs=2),
    )
    assert diff["bench"] == (750000.0, 250000.0, 500000.0)
    assert diff["playground"][1:] == (0.0, pytest.approx(21_000_000, abs=1))
    assert diff["dog_area"] == (None, 0.0, None)


def test_budget_states():
    assert budget_use(10.0, None) is None
    assert budget_use(50.0, 100.0).state == "under"
    assert budget_use(90.0, 100.0).state == "near"
    over = budget_use(130.0, 100.0)
    assert (over.state, over.over, over.share) == ("over", 30.0, 1.3)


def test_the_bundled_default_list_prices_every_category_in_tenge_and_says_it_is_illustrative():
    assert bundled_price_lists()[0] == DEFAULT_PRICE_LIST
    prices = load_price_list()
    assert prices.currency == "KZT"
    assert prices.illustrative is True
    assert prices.missing() == []
    assert len(prices.prices) == len(categories())
    assert "Иллюстративные" in prices.note["ru"]
    assert "иллюстрациялық" in prices.note["kk"]
    assert prices.unit_price("bench") == 250000.0


# ----------------------------------------------------------------------------- malformed lists


@pytest.mark.parametrize(
    ("text", "key", "line", "named"),
    [
        ('currency = "KZT"\n[zone]\nlawn = 4x\n', "prices.syntax", 3, ""),
        ('currency = "KZT"\n[zone]\n[zone]\n', "prices.syntax", 3, ""),
        ('currency = "KZT"\n\n[amenity]\nswing = 5\n', "prices.unknown_category", 4, "swing"),
        ('currency = "KZT"\n[amenity]\nbenchh = 5\n', "prices.unknown_category_close", 3, "benchh"),
        ('currency = "KZT"\n[zone]\nlawn = 1\nbench = 5\n', "prices.wrong_kind", 4, "bench"),
        ('currency = "KZT"\n[zone]\nlawn = -5\n', "prices.bad_price", 3, "lawn"),
        ('currency = "KZT"\n[zone]\nlawn = "cheap"\n', "prices.bad_price", 3, "lawn"),
        ('currency = "KZT"\n[zone]\nlawn = true\n', "prices.bad_price", 3, "lawn"),
        ('currency = "KZT"\n[zone]\nlawn = inf\n', "prices.bad_price", 3, "lawn"),
        ('currency = "KZT"\n[zone]\nlawn = 1e13\n', "prices.bad_price", 3, "lawn"),
        ("[zone]\nlawn = 5\n", "prices.no_currency", 1, ""),
        ('# prices\ncurrency = "tenge"\n[zone]\nlawn = 5\n', "prices.bad_currency", 2, "tenge"),
        ('currency = "KZT"\ndiscount = 0.1\n[zone]\nlawn = 5\n', "prices.unknown_key", 2, "discount"),
        ('currency = "KZT"\nzone.lawnn = 5\n', "prices.unknown_category_close", 2, "lawnn"),
        ('currency = "KZT"\n', "prices.empty", 1, ""),
        ('currency = "KZT"\n[title]\nde = "Preise"\n[zone]\nlawn = 5\n', "prices.bad_field", 3, "title.de"),
    ],
)
def test_a_malformed_price_list_is_refused_with_the_line_and_the_reason(text, key, line, named):
    with pytest.raises(PriceListError) as caught:
        parse_price_list(text, "upload")
    err = caught.value
    assert (err.key, err.params["line"]) == (key, line)
    message = str(err)
    assert f"line {line}" in message
    assert named in message
    for lang in ("ru", "kk"):
        translated = translate(err.key, lang, **err.params)
        assert str(line) in translated
        assert "{" not in translated


def test_every_problem_is_listed_in_line_order_and_the_first_is_the_message():
    text = 'currency = "KZT"\n[zone]\nlawn = -1\nbench = 3\n[amenity]\nswing = 1\nbin = 80000\n'
    with pytest.raises(PriceListError) as caught:
        parse_price_list(text, "upload")
    problems = caught.value.problems
    assert [(key, params["line"]) for key, params in problems] == [
        ("prices.bad_price", 3),
        ("prices.wrong_kind", 4),
        ("prices.unknown_category", 6),
    ]
    assert caught.value.key == "prices.bad_price"


def test_uploads_are_checked_for_size_and_encoding():
    with pytest.raises(PriceListError) as caught:
        read_price_list_upload(b'currency = "KZT"\n[zone]\nlawn = \xff\n', "city.toml")
    assert (caught.value.key, caught.value.params["line"]) == ("prices.not_utf8", 3)
    with pytest.raises(PriceListError) as caught:
        read_price_list_upload(b"#" * 70_000, "big.toml")
    assert caught.value.key == "prices.too_big"
    prices = read_price_list_upload(("\ufeff" + CITY_PRICES).encode(), "Город Цены_2026.TOML")
    assert (prices.name, prices.currency, prices.unit_price("lawn")) == ("2026", "KZT", 4500.0)


def test_a_list_written_as_toml_reads_back_the_same_and_edits_are_checked():
    prices = load_price_list()
    again = parse_price_list(price_list_to_toml(prices), prices.name)
    assert again == prices
    edited = with_prices(prices, {"bench": 300000.0, "lamp": None}, illustrative=False, name="city-edit")
    assert (edited.unit_price("bench"), edited.unit_price("lamp"), edited.illustrative) == (300000.0, None, False)
    with pytest.raises(PriceListError):
        with_prices(prices, {"bench": -1.0}, illustrative=False, name="city-edit")


def test_a_sessions_costing_round_trips_and_falls_back_to_the_default():
    city = parse_price_list(CITY_PRICES, "city")
    costing = with_budget(SessionCosting(city, source="uploaded"), 150_000_000)
    again = costing_from_json(costing_to_json(costing))
    assert again == costing
    assert again.prices.text == CITY_PRICES  # the city's file is kept as it was, comments and all
    assert costing_from_json(None) == SessionCosting()
    broken = {"prices": {"name": "x", "source": "uploaded", "toml": "currency = 1"}, "budget": 5}
    assert costing_from_json(broken) == SessionCosting(budget=5.0)
    for bad in (0, -5, float("nan"), float("inf"), 1e16):
        with pytest.raises(CodesignError):
            with_budget(costing, bad)
    assert with_budget(costing, None).budget is None


def test_a_price_list_made_here_has_its_units():
    prices = PriceList("x", "KZT", {"walkway": 10.0})
    assert prices.missing()[0] == "playground"
    assert prices.display_title("ru") == "x"
