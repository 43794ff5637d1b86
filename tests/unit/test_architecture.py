"""The package's shape, checked: layers import only what is below them, modules and functions stay small.

The layers and their rules are drawn in docs/ARCHITECTURE.md; this test is what keeps them true.
Every ``import`` counts, at module level or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "codesign"

#: What each part of ``codesign`` may import from ``codesign`` (besides itself).
ALLOWED: dict[str, set[str]] = {
    "errors": {"i18n"},
    "config": set(),
    "gdal_env": {"errors"},
    "i18n": {"errors"},
    "domain": {"errors", "config", "i18n"},
    "analysis": {"domain", "errors", "config", "i18n"},
    "storage": {"domain", "errors", "config", "i18n"},
    "io": {"domain", "errors", "config", "i18n", "gdal_env"},
    "render": {"domain", "analysis", "errors", "config", "i18n"},
    "report": {"render", "analysis", "domain", "errors", "config", "i18n"},
    "export": {"render", "analysis", "domain", "errors", "config", "i18n"},
    "paper": {"render", "io", "analysis", "domain", "errors", "config", "i18n"},
    "services": {"storage", "analysis", "domain", "io", "paper", "errors", "config", "i18n"},
    "cli": {
        "services",
        "paper",
        "storage",
        "report",
        "export",
        "render",
        "analysis",
        "domain",
        "io",
        "errors",
        "config",
        "i18n",
    },
}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if ".venv" not in p.parts)


def _part(path: Path) -> str:
    """The layer of a module: its first folder under codesign/ (or its own name at the top)."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _imported(path: Path) -> set[str]:
    """Every ``codesign.<part>`` a module imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "codesign" and len(parts) > 1:
                found.add(parts[1])
            if parts[0] == "streamlit":
                found.add("<streamlit>")
    return found


LAYERED = [p for p in _modules(PACKAGE) if p.parent != PACKAGE or p.stem not in ("__init__", "__main__")]


@pytest.mark.parametrize("path", LAYERED, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_imports_only_the_layers_below_it(path):
    part = _part(path)
    assert part in ALLOWED, f"{part} is a new part of codesign: give it a place in ALLOWED and docs/ARCHITECTURE.md"
    wrong = _imported(path) - ALLOWED[part] - {part}
    assert not wrong, f"{path.relative_to(ROOT)} ({part}) imports {sorted(wrong)}"


def test_nothing_in_codesign_imports_streamlit():
    offenders = [str(p.relative_to(ROOT)) for p in _modules(PACKAGE) if "<streamlit>" in _imported(p)]
    assert offenders == []


@pytest.mark.parametrize("folder", ["codesign", "app_pages"])
def test_no_module_is_over_600_lines(folder):
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules(ROOT / folder)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


@pytest.mark.parametrize("folder", ["codesign", "app_pages"])
def test_no_function_is_over_80_lines(folder):
    long = {}
    for path in _modules(ROOT / folder):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = length
    assert long == {}


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The rule above can fail: a domain module importing the store is caught."""
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from codesign.storage.files import FileStore\n    import streamlit\n")
    assert _imported(module) == {"storage", "<streamlit>"}
