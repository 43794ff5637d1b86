"""``compare`` and ``consensus``: the session's concepts measured against each other.

    python -m codesign compare SESSION --team TEAM [--against plan|vision|TEAM] [--distance 10] [--json]
    python -m codesign consensus SESSION [--threshold 0.5] [--with-plan] [--distance 12] [--json]

Each prints a readable summary (sentences in ``--lang``) or, with ``--json``, the documented
JSON (docs/compare-format.md, docs/consensus-format.md).
"""

from __future__ import annotations

import argparse
import math
import sys

from codesign.analysis.compare import DEFAULT_MATCH_DISTANCE_M, Comparison, category_label, compare_concepts, describe
from codesign.analysis.consensus import (
    DEFAULT_CLUSTER_DISTANCE_M,
    DEFAULT_THRESHOLD,
    Consensus,
    build_consensus,
    consensus_sentences,
    describe_finding,
)
from codesign.analysis.session import owner_name, voice_owners
from codesign.cli.tables import label, num, percent, print_json, print_table
from codesign.domain.concept import Concept
from codesign.domain.session import PLAN_OWNER, VISION_OWNER, Session
from codesign.domain.site import load_site
from codesign.errors import CodesignError
from codesign.i18n import translate
from codesign.storage.base import Store

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``compare`` and ``consensus`` to the command line.

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    compare = sub.add_parser("compare", help="compare a team's concept (or the joint vision) with the plan or another")
    compare.add_argument("session")
    compare.add_argument("--team", required=True, help=f"team id (team-1) or {VISION_OWNER}")
    compare.add_argument(
        "--against", default=PLAN_OWNER, help=f"{PLAN_OWNER} (default), {VISION_OWNER} or a team id (team-2)"
    )
    _add_distance_and_json(
        compare, DEFAULT_MATCH_DISTANCE_M, "amenities of one type match within this many metres", "compare"
    )
    compare.set_defaults(handler=_compare)
    consensus = sub.add_parser("consensus", help="where the teams' concepts agree (faces, k-of-N, Fleiss' kappa)")
    consensus.add_argument("session")
    consensus.add_argument(
        "--threshold",
        type=_share,
        default=DEFAULT_THRESHOLD,
        help=f"share of voices at which ground counts as agreed (default {DEFAULT_THRESHOLD:g})",
    )
    consensus.add_argument("--with-plan", action="store_true", help="count the plan (if saved) as one more voice")
    _add_distance_and_json(
        consensus, DEFAULT_CLUSTER_DISTANCE_M, "amenities of one type within this many metres cluster", "consensus"
    )
    consensus.set_defaults(handler=_consensus)


def _add_distance_and_json(parser: argparse.ArgumentParser, default: float, meaning: str, command: str) -> None:
    """``--distance`` (positive metres) and ``--json`` (the format in ``docs/<command>-format.md``)."""
    parser.add_argument("--distance", type=_positive_metres, default=default, help=f"{meaning} (default {default:g})")
    parser.add_argument("--json", action="store_true", help=f"print JSON (docs/{command}-format.md)")


def _positive_metres(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of metres, got {text!r}")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a share in (0, 1], e.g. 0.5, got {text!r}")
    return value


def _owner(session: Session, owner: str) -> str:
    """``plan``, ``vision`` or a team id of the session (else ``error.team_not_found``)."""
    return owner if owner in (PLAN_OWNER, VISION_OWNER) else session.team(owner).id


def _owner_name(session: Session, owner: str, lang: str) -> str:
    return owner_name(session, owner, lang, with_id=True)


def _latest(store: Store, session: Session, owner: str, lang: str) -> Concept:
    concept = store.load_latest(session.id, owner)
    if concept is None:
        raise CodesignError("cli.nothing_saved", owner=_owner_name(session, owner, lang))
    return concept


# ----------------------------------------------------------------------------- compare


def _compare(args: argparse.Namespace, store: Store) -> None:
    """``compare``: one concept against the plan, the vision or another team's concept."""
    lang = args.lang
    session = store.load_session(args.session)
    a_owner, b_owner = _owner(session, args.team), _owner(session, args.against)
    a = _latest(store, session, a_owner, lang)
    b = _latest(store, session, b_owner, lang)
    site = load_site(session.site)
    result = compare_concepts(a, b, site.frame, match_distance_m=args.distance)
    if args.json:
        print_json(result.to_json())
    else:
        _print_comparison(result, session, a, b, lang)


def _print_comparison(result: Comparison, session: Session, a: Concept, b: Concept, lang: str) -> None:
    ao, bo = result.a, result.b
    print(
        f"Comparison in session {session.id}: {_owner_name(session, ao, lang)} v{a.version}"
        f" (a) with {_owner_name(session, bo, lang)} v{b.version} (b)"
    )
    print(f"Site {num(result.site_area_m2, lang)} m², designed (a ∪ b) {num(result.designed_m2, lang)} m²")
    print(f"Agreement: {percent(result.agreement, lang)} of the designed area has the same category in both")
    print(f"Cohen's kappa (whole site, unassigned as a class): {num(result.kappa, lang, 2)}")
    print()
    print("Zones by category, m²:")
    rows = [
        [label(cid, lang), num(f.a_m2, lang), num(f.b_m2, lang), num(f.intersection_m2, lang), num(f.iou, lang, 2)]
        for cid, f in result.categories.items()
    ]
    print_table(["category", ao, bo, "both", "IoU"], rows, empty="none in either")
    print()
    print(f"Zones of {bo}: what {ao} has there")
    rows = []
    for z in result.zones:
        there = ", ".join(f"{category_label(c, lang)} {percent(v, lang)}" for c, v in z.shares.items()) or "—"
        if z.outcome == "moved" and z.moved_to:
            there += f"; elsewhere {num(z.moved_m2, lang)} m² at {z.moved_to[0]:.7f}, {z.moved_to[1]:.7f}"
        rows.append([z.id, label(z.category, lang), f"{num(z.area_m2, lang)} m²", z.outcome, there])
    print_table(["zone", "category", "area", "outcome", f"{ao} there"], rows, align="llrll")
    print()
    _print_amenities_and_paths(result, lang)
    _print_main_points([describe(notice, lang) for notice in result.sentences()])


def _print_amenities_and_paths(result: Comparison, lang: str) -> None:
    ao, bo = result.a, result.b
    print(f"Amenities (pairs of one type matched within {num(result.match_distance_m, lang, 1)} m, closest first):")
    matched = result.matched_counts()
    rows = [[label(cid, lang), str(na), str(nb), str(matched[cid])] for cid, (na, nb) in result.amenity_counts.items()]
    print_table(["type", ao, bo, "matched"], rows, empty="none in either")
    if rows:
        print(f"  new in {ao}: {len(result.new_amenities)}; missing from {ao}: {len(result.missing_amenities)}")
    if result.path_length_m:
        print("Paths, m:")
        print_table(
            ["type", ao, bo],
            [[label(cid, lang), num(la, lang), num(lb, lang)] for cid, (la, lb) in result.path_length_m.items()],
        )


def _print_main_points(sentences: list[str]) -> None:
    if sentences:
        print()
        print("Main points:")
        for sentence in sentences:
            print(f"  - {sentence}")


# ----------------------------------------------------------------------------- consensus


def _consensus(args: argparse.Namespace, store: Store) -> None:
    """``consensus``: every team with a saved concept is a voice (and the plan with --with-plan)."""
    lang = args.lang
    session = store.load_session(args.session)
    concepts = [c for owner in voice_owners(session) if (c := store.load_latest(session.id, owner)) is not None]
    if not concepts:
        raise CodesignError("cli.no_concepts", session_id=session.id)
    plan = store.load_latest(session.id, PLAN_OWNER)
    if args.with_plan:
        if plan is None:
            message = translate("cli.nothing_saved", lang, owner=_owner_name(session, PLAN_OWNER, lang))
            print(f"note: {message}", file=sys.stderr)
        else:
            concepts.append(plan)
    site = load_site(session.site)
    result = build_consensus(concepts, site.frame, threshold=args.threshold, cluster_distance_m=args.distance)
    if args.json:
        print_json(result.to_json())
    else:
        _print_consensus(result, session, plan, args.distance, lang)


def _print_consensus(result: Consensus, session: Session, plan: Concept | None, distance: float, lang: str) -> None:
    names = ", ".join(_owner_name(session, v, lang) for v in result.voices)
    print(f"Consensus in session {session.id} of {result.n} voices: {names}")
    print(
        f"Threshold {num(result.threshold, lang, 2)} ({percent(result.threshold, lang)} of the voices);"
        f" amenities cluster within {num(distance, lang, 1)} m"
    )
    designed = float(result.areas.sum())
    print(
        f"Site {num(result.site_area_m2, lang)} m², designed by at least one voice {num(designed, lang)} m²"
        f" in {len(result.states)} faces"
    )
    print_table(
        ["state", "m²", "of designed"],
        [
            [
                state,
                num(result.area_in(state), lang),
                percent(result.area_in(state) / designed if designed else 0, lang),
            ]
            for state in ("agreed", "contested", "single")
        ],
    )
    kappa = "— (one voice)" if result.fleiss_kappa is None else num(result.fleiss_kappa, lang, 2)
    print(f"Fleiss' kappa (area-weighted, undesigned rest of the site included): {kappa}")
    print()
    k_of_n = result.k_of_n()
    print("Area that at least k voices give each category, m²:")
    ks = range(1, result.n + 1)
    print_table(
        ["category", *(f"k≥{k}" for k in ks)],
        [[label(cid, lang), *(num(by_k[k], lang) for k in ks)] for cid, by_k in k_of_n.items()],
    )
    print()
    supported = result.supported_clusters()
    print(f"Amenity clusters backed by at least {percent(result.threshold, lang)} of the voices: {len(supported)}")
    rows = [
        [
            label(c.category, lang),
            f"{len(c.teams)} of {result.n}",
            percent(c.support, lang),
            str(c.points),
            f"{c.lon:.7f}, {c.lat:.7f}",
        ]
        for c in supported
    ]
    print_table(["type", "voices", "support", "points", "lon, lat (median)"], rows, align="lrrrl")
    _print_main_points([describe_finding(notice, lang) for notice in consensus_sentences(result, plan)])
