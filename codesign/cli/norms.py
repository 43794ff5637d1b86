"""``check``: a concept checked against the design-norm rule pack.

    python -m codesign check SESSION --team TEAM|plan|vision [--rules FILE] [--json]

The pack is ``--rules FILE``, else the one uploaded to the session, else the site's
(``site.toml``: ``rules = ...``). Prints a table (titles in ``--lang``) or, with ``--json``, the
documented JSON (docs/check-format.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from codesign.analysis.norms import check_concept
from codesign.analysis.session import owner_name
from codesign.cli.tables import print_json, print_table
from codesign.domain.rules import MAX_PACK_BYTES, RulePackError, parse_pack
from codesign.domain.session import PLAN_OWNER, VISION_OWNER
from codesign.domain.site import load_site
from codesign.errors import CodesignError
from codesign.render.norms import format_rule_value, pack_caption, status_text
from codesign.services.norms import session_pack
from codesign.storage.base import Store

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check`` to the command line.

    Parameters
    ----------
    sub
        The top-level subcommands.
    """
    check = sub.add_parser("check", help="check a concept (a team's, the plan or the vision) against the design norms")
    check.add_argument("session")
    check.add_argument("--team", required=True, help=f"team id (team-1), {PLAN_OWNER} or {VISION_OWNER}")
    check.add_argument("--rules", type=Path, help="a rule pack (TOML) instead of the session's (data/rules/README.md)")
    check.add_argument("--json", action="store_true", help="print JSON (docs/check-format.md)")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace, store: Store) -> None:
    lang = args.lang
    session = store.load_session(args.session)
    owner = args.team if args.team in (PLAN_OWNER, VISION_OWNER) else session.team(args.team).id
    if args.rules is not None:
        try:
            data = args.rules.read_bytes()[: MAX_PACK_BYTES + 1]
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            raise RulePackError(file=args.rules.name, line=0, reason=f"cannot read it ({type(err).__name__})") from None
        pack = parse_pack(text, args.rules.name)
    else:
        found = session_pack(store, session)
        if found is None:
            raise CodesignError("norms.no_pack", site=session.site)
        pack = found
    concept = store.load_latest(session.id, owner)
    if concept is None:
        raise CodesignError("cli.nothing_saved", owner=owner_name(session, owner, lang, with_id=True))
    report = check_concept(concept, pack, load_site(session.site))
    if args.json:
        print_json({**report.to_json(), "session": session.id, "owner": owner, "version": concept.version})
        return
    print(f"{owner_name(session, owner, lang, with_id=True)} v{concept.version} · {pack_caption(pack, lang)}")
    rows = [
        [
            r.rule.id,
            status_text(r.status, lang),
            format_rule_value(r.measured, r.unit, lang),
            format_rule_value(r.required, r.unit, lang),
            r.rule.label(lang),
            r.rule.source,
        ]
        for r in report.results
    ]
    print_table(["rule", "status", "measured", "required", "title", "source"], rows, align="llrrll")
    print(f"  pass {report.count('pass')} · fail {report.count('fail')} · n/a {report.count('n/a')}")
