"""The layers of DESIGN.md hold: core/ has no Qt and no SQL, storage/ has no Qt, ui/ no SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("core", {"PySide6", "pyqtgraph", "ui", "storage", "sqlite3", "sqlite_utils"}),
        ("storage", {"PySide6", "pyqtgraph", "ui"}),
        ("ui", {"sqlite3", "sqlite_utils"}),
    ],
)
def test_package_does_not_import_across_its_layer(package: str, forbidden: set[str]) -> None:
    """Each layer imports only what DESIGN.md lets it."""
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, module in _imports(package)
        if _top(module) in forbidden
    ]
    assert crossings == []


def test_ui_runs_no_sql() -> None:
    """The UI changes data only through storage functions, never by SQL of its own."""
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ".execute(" in line or ".query(" in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
