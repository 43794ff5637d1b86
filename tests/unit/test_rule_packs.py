"""Rule packs: the bundled ones load, a malformed pack is refused with its line and the reason."""

from __future__ import annotations

import pytest

from codesign.domain.rules import RULES_DIR, RulePackError, StoredPack, load_pack, parse_pack
from codesign.domain.site import load_site
from codesign.i18n import translate

HEAD = """[pack]
id = "test-pack"
title = { ru = "Проверка", kk = "Тексеру", en = "Test" }
"""
GOOD_RULE = """
[[rule]]
id = "parking-playground"
kind = "min_distance"
from = ["parking"]
to = ["playground"]
value_m = 25
source = "illustrative"
title = { ru = "Парковка", kk = "Тұрақ", en = "Parking" }
"""


def refusal(text: str) -> tuple[int, str]:
    with pytest.raises(RulePackError) as caught:
        parse_pack(text, "upload.toml")
    assert caught.value.params["file"] == "upload.toml"
    return caught.value.params["line"], caught.value.params["reason"]


def test_every_bundled_pack_loads_and_the_aksu_pack_says_it_is_illustrative():
    names = sorted(p.stem for p in RULES_DIR.glob("*.toml"))
    assert "aksu-illustrative" in names
    for name in names:
        load_pack(name)
    pack = load_pack("aksu-illustrative")
    assert pack.illustrative
    assert all(rule.source == "illustrative" for rule in pack.rules)
    assert {r.kind for r in pack.rules} >= {"min_share", "max_share", "min_area", "min_distance", "max_distance"}
    assert all(pack.note[lang] for lang in ("ru", "kk", "en"))
    assert load_site("aksu-city-square").meta["rules"] == "aksu-illustrative"


def test_a_good_pack_parses():
    pack = parse_pack(HEAD + GOOD_RULE)
    rule = pack.rule("parking-playground")
    assert (rule.kind, rule.required(), rule.categories("from"), rule.line) == ("min_distance", 25.0, ("parking",), 5)
    assert pack.illustrative  # every rule is illustrative


def test_toml_syntax_error_names_its_line():
    line, reason = refusal(HEAD + GOOD_RULE + "value_m = = 3\n")
    assert line == 13
    assert "not valid TOML" in reason


def test_unknown_category_is_named_with_its_line():
    line, reason = refusal(HEAD + GOOD_RULE.replace('to = ["playground"]', 'to = ["playgound", "kiosk"]'))
    assert line == 9
    assert "unknown categories in to: playgound, kiosk" in reason


def test_context_layers_only_where_distances_allow_them():
    assert parse_pack(HEAD + GOOD_RULE.replace('to = ["playground"]', 'to = ["building", "street"]'))
    text = HEAD + GOOD_RULE.replace('kind = "min_distance"', 'kind = "max_distance"').replace(
        'from = ["parking"]', 'from = ["building"]'
    )
    line, reason = refusal(text)
    assert (line, "unknown category in from: building" in reason) == (8, True)


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("value_m = 25", "value_m = -5"), 10, "value_m must be more than 0"),
        (("value_m = 25", 'value_m = "25"'), 10, "value_m must be a number"),
        (("value_m = 25\n", ""), 5, "needs value_m"),
        (('kind = "min_distance"', 'kind = "nearby"'), 7, "is not one of"),
        (('source = "illustrative"\n', ""), 5, "needs a source"),
        ((', en = "Parking" }', " }"), 12, "title needs ru, kk and en"),
        (("value_m = 25", 'value_m = 25\nshort = { ru = "П" }'), 11, "short needs ru, kk and en"),
        (("value_m = 25", "value_m = 25\nvalue = 3"), 11, "'value' is not a parameter of min_distance"),
        (('id = "parking-playground"', 'id = "Parking Playground"'), 6, "id must be a short lowercase slug"),
    ],
)
def test_malformed_rules_are_refused_with_the_line(change, line, words):
    got_line, reason = refusal(HEAD + GOOD_RULE.replace(*change))
    assert got_line == line
    assert words in reason


def test_share_must_be_a_fraction():
    text = HEAD + GOOD_RULE.replace('kind = "min_distance"', 'kind = "min_share"').replace(
        'from = ["parking"]\nto = ["playground"]\nvalue_m = 25', 'categories = ["lawn"]\nvalue = 60'
    )
    line, reason = refusal(text)
    assert line == 9
    assert "between 0 and 1" in reason


def test_pack_level_mistakes():
    assert refusal(GOOD_RULE)[1].startswith("the file needs a [pack] table")
    assert "has no [[rule]]" in refusal(HEAD)[1]
    line, reason = refusal(HEAD + GOOD_RULE + GOOD_RULE)
    assert (line, reason) == (15, "the id 'parking-playground' is used twice")
    assert "larger than" in refusal(HEAD + "#" * 300_000)[1]


def test_the_refusal_reads_in_each_language():
    with pytest.raises(RulePackError) as caught:
        parse_pack(HEAD, "x.toml")
    texts = {lang: translate(caught.value.key, lang, **caught.value.params) for lang in ("ru", "kk", "en")}
    assert texts["ru"].startswith("Набор норм «x.toml» не принят")
    assert "жинағы қабылданбады" in texts["kk"]
    assert texts["en"].startswith("The rule pack x.toml is refused")


def test_a_stored_pack_round_trips_and_junk_reads_as_none():
    stored = StoredPack("city.toml", HEAD + GOOD_RULE)
    assert StoredPack.from_json(stored.to_json()) == stored
    assert StoredPack.from_json(None) is None
    assert StoredPack.from_json({"toml": 5}) is None


def test_pack_names_cannot_be_paths():
    with pytest.raises(RulePackError):
        load_pack("../parks/aksu-city-square/site")
