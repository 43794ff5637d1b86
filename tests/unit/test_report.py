"""The PDF report: its text in three languages (Kazakh letters intact, hostile names as text),
non-blank pages, embedded fonts, paper sizes, the places lists, refusals and the CLI."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import numpy as np
import pypdfium2
import pytest
from pypdf import PdfReader
from shapely.geometry import box

from codesign.analysis.compare import categorical_map, category_label
from codesign.analysis.consensus import build_consensus
from codesign.analysis.session import agreed_places
from codesign.cli import main
from codesign.domain.concept import Concept, ConceptFeature, concept_from_geojson
from codesign.domain.session import PLAN_OWNER
from codesign.domain.site import load_site
from codesign.errors import CodesignError
from codesign.i18n import LANGUAGES, format_number, translate
from codesign.render.text import format_area, format_kappa, format_percent
from codesign.report import PAPER_SIZES_MM, build_report
from codesign.report.norms import failure_map_count
from codesign.services.analysis import load_analysis
from codesign.storage.files import FileStore

KAZAKH = "Әсем Ғалым Қыз Ңң Өрен Ұлы Үміт Һ Іле"
SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
TEAMS = (KAZAKH, SCRIPT, FORMULA)
TITLE = "Форум Туған Қала {nb} **жирный**"
SITE = "aksu-city-square"


def demo_concept(name: str) -> Concept:
    folder = load_site(SITE).folder
    path = folder / "akimat_plan.geojson" if name == PLAN_OWNER else folder / "demo" / f"{name}.geojson"
    return concept_from_geojson(json.loads(path.read_text(encoding="utf-8")))


def make_session(store: FileStore) -> str:
    """Three teams with hard names (two demo concepts, the third reuses the first) and the plan."""
    session = store.create_session(site=SITE, title=TITLE, teams=[(name, None) for name in TEAMS])
    sources = ("team-1", "team-2", "team-1")
    for team, source in zip(session.teams, sources, strict=True):
        concept = replace(demo_concept(source), title=f"{team.name} — концепция", description="# не заголовок *")
        store.save_concept(session.id, team.id, concept, 0)
    store.save_concept(session.id, PLAN_OWNER, demo_concept(PLAN_OWNER), 0)
    return session.id


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The session, its analysis and the A4 report in each language (built once)."""
    store = FileStore(tmp_path_factory.mktemp("sessions"))
    session_id = make_session(store)
    analysis = load_analysis(store, session_id)
    pdfs = {lang: build_report(analysis, lang) for lang in LANGUAGES}
    return store, session_id, analysis, pdfs


def plain(text: str) -> str:
    """Extracted text with every kind of space (and line breaks) as one plain space."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def page_texts(pdf: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_text_holds_the_title_the_teams_and_every_figure_of_the_comparisons(built, lang):
    store, session_id, analysis, pdfs = built
    pages = page_texts(pdfs[lang])
    text = " ".join(pages)
    assert plain(TITLE) in text  # "{nb}" is not replaced by the page count, ** stays
    for name in TEAMS:
        assert plain(name) in text
    assert KAZAKH in text  # the Kazakh letters come back whole
    for team, _ in analysis.teams:
        result = analysis.comparisons[team.id]
        heading = plain(translate("report.compare.heading", lang, name=team.name))
        first = next(i for i, page in enumerate(pages) if heading in page)
        section = " ".join(pages[first : first + 2])  # the map page and the tables after it
        assert plain(format_percent(result.agreement, lang)) in section
        assert plain(format_kappa(result.kappa, lang)) in section
        for cid, figures in result.categories.items():
            assert category_label(cid, lang) in section
            for value in (figures.a_m2, figures.b_m2, figures.intersection_m2):
                assert plain(format_area(value, lang)) in section, (cid, value)
            assert format_number(figures.iou, lang, 2) in section
        for zone in result.zones:
            assert f"{zone.id} · {category_label(zone.category, lang)}" in section


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_has_its_sections_in_order(built, lang):
    _, _, analysis, pdfs = built
    text = " ".join(page_texts(pdfs[lang]))
    keys = [
        "report.summary.heading",
        "report.plan.heading",
        "consensus.title",
        "report.asks.heading",
        "report.agreements.heading",
        "report.methods.heading",
    ]
    position = 0
    for key in keys:  # each heading after the one before
        position = text.find(plain(translate(key, lang)), position)
        assert position >= 0, key
    assert "EPSG:32643" in text
    assert plain(translate("report.illustrative_title", lang)) in text  # the Aksu site is invented


def test_the_languages_differ_in_their_headings(built):
    _, _, _, pdfs = built
    texts = {lang: " ".join(page_texts(pdf)) for lang, pdf in pdfs.items()}
    for key in ("report.summary.heading", "report.methods.heading", "report.asks.heading"):
        headings = {lang: plain(translate(key, lang)) for lang in LANGUAGES}
        assert len(set(headings.values())) == 3
        for lang, heading in headings.items():
            assert heading in texts[lang]
            assert all(heading not in texts[other] for other in LANGUAGES if other != lang)


def test_hostile_names_are_printed_as_plain_text(built):
    _, _, _, pdfs = built
    text = " ".join(page_texts(pdfs["en"]))
    assert SCRIPT in text
    assert FORMULA in text
    assert "# не заголовок *" in text  # a description is not read as markdown


def test_every_page_renders_with_ink_and_the_maps_in_colour(built):
    _, _, _, pdfs = built
    document = pypdfium2.PdfDocument(pdfs["kk"])
    coloured = 0
    for page in document:
        pixels = np.asarray(page.render(scale=0.35).to_pil().convert("RGB"), dtype=float)
        assert pixels.std() > 5  # not blank
        saturation = pixels.max(axis=2) - pixels.min(axis=2)
        coloured += (saturation > 60).mean() > 0.02
    assert coloured >= 4  # the site, the concepts, the overlays, the consensus


def test_the_fonts_are_embedded_dejavu(built):
    _, _, _, pdfs = built
    reader = PdfReader(io.BytesIO(pdfs["kk"]))
    fonts = {}
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descendant["/FontDescriptor"]
    assert fonts
    assert all(fonts.values())
    assert all("DejaVu" in name for name in fonts)


def test_a3_pages_are_larger_than_a4_and_landscape(built):
    store, session_id, analysis, pdfs = built
    a3 = build_report(analysis, "ru", "a3")
    a4_page = PdfReader(io.BytesIO(pdfs["ru"])).pages[0].mediabox
    a3_page = PdfReader(io.BytesIO(a3)).pages[0].mediabox
    assert float(a4_page.width) == pytest.approx(PAPER_SIZES_MM["a4"][0] / 25.4 * 72, abs=0.5)
    assert float(a4_page.height) == pytest.approx(PAPER_SIZES_MM["a4"][1] / 25.4 * 72, abs=0.5)
    assert float(a3_page.width) > float(a4_page.width)
    assert float(a3_page.height) > float(a4_page.height)
    assert float(a3_page.width) > float(a3_page.height)


def test_progress_is_reported_from_0_to_1_in_the_language(built):
    store, session_id, analysis, _ = built
    heard: list[tuple[float, str]] = []
    build_report(analysis, "kk", progress=lambda share, message: heard.append((share, message)))
    shares = [share for share, _ in heard]
    assert shares[0] == 0.0
    assert shares[-1] == 1.0
    assert shares == sorted(shares)
    assert heard[-1][1] == translate("report.progress.done", "kk")
    maps = 1 + 3 + 1 + 3 + 1 + 2  # site, 3 concepts, plan, 3 overlays, consensus, asks and agreements
    maps += failure_map_count(analysis)  # the design-norms section: a map per concept failing somewhere
    assert failure_map_count(analysis) == 4  # the Aksu pack is strict: the 3 concepts and the plan fail
    drawn = [message for _, message in heard if message.endswith("сызып жатырмыз…")]
    assert drawn == [translate("report.progress.map", "kk", index=i, total=maps) for i in range(1, maps + 1)]


def test_refusals(built, tmp_path):
    store, _, analysis, _ = built
    with pytest.raises(ValueError, match="lang"):
        build_report(analysis, "de")
    with pytest.raises(ValueError, match="paper"):
        build_report(analysis, "ru", "a5")
    empty = store.create_session(site=SITE, title="Пусто", teams=[("Одна", None)])
    with pytest.raises(CodesignError) as err:
        load_analysis(store, empty.id)
    assert err.value.key == "cli.no_concepts"


def test_places_set_the_teams_agreement_against_the_plan(paper):
    """Both teams want a playground where the plan has lawn, and trees where the plan has trees."""

    def concept(team: str, zones: list[tuple[str, object]]) -> Concept:
        features = tuple(ConceptFeature(f"f{i + 1}", cid, paper.lonlat(geom)) for i, (cid, geom) in enumerate(zones))
        return Concept(site="paper", team=team, features=features)

    frame = paper.frame
    teams = [
        concept("team-1", [("playground", box(0, 0, 50, 50)), ("tree_planting", box(50, 0, 100, 40))]),
        concept("team-2", [("playground", box(0, 0, 50, 50)), ("tree_planting", box(50, 0, 100, 40))]),
    ]
    plan = concept(PLAN_OWNER, [("lawn", box(0, 0, 50, 100)), ("tree_planting", box(50, 0, 100, 20))])
    consensus = build_consensus(teams, frame)
    plan_map = categorical_map(plan, frame)
    asks = agreed_places(consensus, plan_map, lacking=True)
    agree = agreed_places(consensus, plan_map, lacking=False)
    assert [(p.category, round(p.area_m2), p.plan_category, p.teams) for p in asks] == [
        ("playground", 2500, "lawn", 2.0),
        ("tree_planting", 1000, "unassigned", 2.0),
    ]
    assert asks[0].direction == "sw"
    assert [(p.category, round(p.area_m2), p.plan_category) for p in agree] == [
        ("tree_planting", 1000, "tree_planting")
    ]


def test_places_leave_out_slivers(paper):
    frame = paper.frame
    teams = [
        Concept(site="paper", team=t, features=(ConceptFeature("f1", "lawn", paper.lonlat(box(0, 0, 100, 51))),))
        for t in ("team-1", "team-2")
    ]
    plan = Concept(
        site="paper", team="plan", features=(ConceptFeature("f1", "lawn", paper.lonlat(box(0, 0, 100, 50))),)
    )
    asks = agreed_places(build_consensus(teams, frame), categorical_map(plan, frame), lacking=True)
    assert asks == ()  # a 1 m strip along the plan's edge (100 m²) is no wish


def test_cli_writes_an_a3_report_and_refuses_in_the_language(built, tmp_path, monkeypatch, capsys):
    store, session_id, _, _ = built
    monkeypatch.setenv("CODESIGN_SESSIONS_DIR", str(store.root))
    out = tmp_path / "report.pdf"
    assert main(["report", session_id, "--lang", "kk", "--paper", "a3", "--out", str(out)]) == 0
    page = PdfReader(out).pages[0].mediabox
    assert float(page.width) == pytest.approx(420 / 25.4 * 72, abs=0.5)
    assert translate("report.document_title", "kk") in plain(PdfReader(out).pages[0].extract_text())
    capsys.readouterr()
    assert main(["--lang", "ru", "report", "nope", "--out", str(out)]) == 2
    assert translate("error.session_not_found", "ru", session_id="nope") in capsys.readouterr().err
    assert main(["report", session_id, "--lang", "en", "--out", str(tmp_path / "missing" / "r.pdf")]) == 2
    assert "Cannot write" in capsys.readouterr().err


def test_the_report_shows_support_by_votes(tmp_path):
    from pypdf import PdfReader

    from codesign.domain.votes import Vote, VotingRules, cast
    from codesign.report import build_report
    from codesign.services.analysis import load_analysis
    from codesign.services.demo import ensure_demo_session
    from codesign.storage.files import FileStore

    store = FileStore(tmp_path)
    session = ensure_demo_session(store)
    rules = VotingRules()
    votes = cast((), Vote("team-1", "", "team-2", "f1"), rules, is_open=True)
    votes = cast(votes, Vote("team-2", "", "consensus", "plaza"), rules, is_open=True)
    store.update_votes(session.id, lambda rv: (rules, votes))
    import io

    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(build_report(load_analysis(store, session.id), "en"))).pages
    )
    assert "Support by votes (2 dots)" in text
    assert "Agreed area: “Plaza / event space”" in text
