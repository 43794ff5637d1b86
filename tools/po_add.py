"""Add (or replace) one message in all three catalogues: a small helper for developers.

    .venv/bin/python tools/po_add.py KEY "русский" "қазақша" "English"

Keys are stable ids (``compare.title``); placeholders use ``{name}`` and must be the same
in all three texts (a unit test checks).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUES = Path(__file__).resolve().parents[1] / "codesign" / "i18n"


def add(key: str, texts: dict[str, str]) -> None:
    """Set ``key`` to ``texts[lang]`` in each ``<lang>.po``, keeping the others as they are."""
    for lang, text in texts.items():
        path = CATALOGUES / f"{lang}.po"
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=lang)
        if key in catalog:
            catalog[key].string = text  # replace: Catalog.add keeps the old text of an existing key
        else:
            catalog.add(key, text)
        with open(path, "wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, sort_output=False)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    add(sys.argv[1], dict(zip(("ru", "kk", "en"), sys.argv[2:], strict=True)))
