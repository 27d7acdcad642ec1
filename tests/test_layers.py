"""The layers of DESIGN.md hold: core/ has no Qt and no SQL, storage/ has no Qt, ui/ no SQL, and
only the operations layer (ui/session.py) reaches storage.

Every rule reads the code's syntax tree (not its text), sees imports made through
`importlib.import_module` or `__import__` and names re-exported by the operations layer, and
is shown to fail on a violation planted in a temporary tree.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS_LAYER = "ui/session.py"
# Calls that run SQL or write through sqlite-utils: none of them belongs in ui/.
SQL_CALLS = {
    "execute",
    "executemany",
    "executescript",
    "query",
    "insert",
    "insert_all",
    "upsert",
    "upsert_all",
    "delete_where",
    "transform",
    "create_table",
}
# SQL as this project writes it (keywords in capitals), not a sentence that starts "Select".
SQL_TEXT = re.compile(
    r"^\s*(SELECT\s.*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b"
    r"|CREATE\s+(TABLE|INDEX|TRIGGER)\b|PRAGMA\s+\w+)",
    re.DOTALL,
)
FORBIDDEN = {
    "core": {"PySide6", "pyqtgraph", "ui", "storage", "sqlite3", "sqlite_utils"},
    "storage": {"PySide6", "pyqtgraph", "ui"},
    "ui": {"sqlite3", "sqlite_utils"},
}


def _modules(root: Path, package: str) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted((root / package).rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.Module) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) of every import, dynamic ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [a.name for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id == "__import__")
            )
        ):
            yield node.lineno, node.args[0].value, []


def _top(module: str) -> str:
    return module.split(".")[0]


def _where(root: Path, path: Path, line: int) -> str:
    return f"{path.relative_to(root)}:{line}"


def layer_crossings(root: Path) -> list[str]:
    """Imports of a package that its layer forbids."""
    return [
        f"{_where(root, path, line)} imports {module}"
        for package, forbidden in FORBIDDEN.items()
        for path, tree in _modules(root, package)
        for line, module, _ in _imports(tree)
        if _top(module) in forbidden
    ]


def _storage_names(root: Path) -> set[str]:
    """The names the operations layer binds by importing them from storage or sqlite."""
    path = root / OPERATIONS_LAYER
    if not path.exists():
        return set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and _top(node.module) in {"storage", "sqlite3", "sqlite_utils"}
        ):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def screens_reaching_storage(root: Path) -> list[str]:
    """ui modules other than the operations layer that import storage, directly or through
    a name the operations layer re-exports from it."""
    re_exported = _storage_names(root)
    found = []
    for path, tree in _modules(root, "ui"):
        if path.relative_to(root).as_posix() == OPERATIONS_LAYER:
            continue
        for line, module, names in _imports(tree):
            if _top(module) == "storage":
                found.append(f"{_where(root, path, line)} imports {module}")
            elif module == OPERATIONS_LAYER[:-3].replace("/", "."):
                found += [
                    f"{_where(root, path, line)} imports {name} (storage's) from {module}"
                    for name in names
                    if name in re_exported
                ]
    return found


def sql_in_ui(root: Path) -> list[str]:
    """SQL run or written in ui/: a call that runs it, or a string that is SQL."""
    found = []
    for path, tree in _modules(root, "ui"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                # list.insert(i, x) is not SQL: sqlite-utils' insert takes one record.
                if name in SQL_CALLS and not (name == "insert" and len(node.args) == 2):
                    found.append(f"{_where(root, path, node.lineno)} calls .{name}()")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and SQL_TEXT.match(node.value)
            ):
                found.append(f"{_where(root, path, node.lineno)} holds SQL")
    return found


RULES: dict[str, Callable[[Path], list[str]]] = {
    "layers": layer_crossings,
    "screens": screens_reaching_storage,
    "sql": sql_in_ui,
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_the_project_keeps_the_rule(rule: Callable[[Path], list[str]]) -> None:
    """core has no Qt and no SQL, storage no Qt, ui no SQL, screens no storage."""
    assert rule(ROOT) == []


PLANTED = {
    "layers": [
        ("core/bad.py", "from PySide6.QtCore import QObject\n"),
        ("core/bad.py", "import sqlite3\n"),
        ("core/bad.py", "import importlib\nimportlib.import_module('storage.repository')\n"),
        ("storage/bad.py", "__import__('ui.session')\n"),
        ("ui/bad.py", "from sqlite_utils import Database\n"),
    ],
    "screens": [
        ("ui/bad.py", "from storage import repository\n"),
        ("ui/bad.py", "import storage.backups\n"),
        ("ui/bad.py", "import importlib\nimportlib.import_module('storage.database')\n"),
        ("ui/bad.py", "from ui.session import Database\n"),
    ],
    "sql": [
        ("ui/bad.py", "def f(db):\n    db.execute('DELETE FROM meeting')\n"),
        ("ui/bad.py", "def f(db):\n    db['meeting'].insert({'id': 1})\n"),
        ("ui/bad.py", "QUERY = 'SELECT * FROM action'\n"),
    ],
}


@pytest.mark.parametrize(
    ("rule", "file", "code"),
    [(rule, file, code) for rule, planted in PLANTED.items() for file, code in planted],
)
def test_each_rule_fails_on_a_planted_violation(
    tmp_path: Path, rule: str, file: str, code: str
) -> None:
    """A tree that is clean but for one planted line: the rule names that file."""
    for package in ("core", "storage", "ui"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / OPERATIONS_LAYER).write_text(
        "from storage.database import Database\n", encoding="utf-8"
    )
    assert RULES[rule](tmp_path) == []
    (tmp_path / file).write_text(code, encoding="utf-8")
    found = RULES[rule](tmp_path)
    assert found and all(line.startswith(file) for line in found), found


def import_cycles(root: Path, package: str = "storage") -> list[str]:
    """Cycles among a package's modules, counting imports made inside functions too."""
    graph: dict[str, set[str]] = {}
    for path, tree in _modules(root, package):
        name = f"{package}.{path.stem}"
        graph[name] = set()
        for _, module, names in _imports(tree):
            if module == package:
                graph[name] |= {f"{package}.{n}" for n in names}
            elif module.startswith(f"{package}."):
                graph[name].add(module)
    cycles, done, trail = [], set(), []

    def visit(node: str) -> None:
        if node in trail:
            cycles.append(" -> ".join([*trail[trail.index(node) :], node]))
            return
        if node in done or node not in graph:
            return
        trail.append(node)
        for neighbour in sorted(graph[node]):
            visit(neighbour)
        trail.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)
    return cycles


def test_storage_modules_import_each_other_without_a_cycle(tmp_path: Path) -> None:
    """No two storage modules need each other (a cycle hides in imports made late); a
    planted cycle is found."""
    assert import_cycles(ROOT) == []
    (tmp_path / "storage").mkdir()
    (tmp_path / "storage" / "a.py").write_text("from storage import b\n", encoding="utf-8")
    (tmp_path / "storage" / "b.py").write_text(
        "def f():\n    from storage.a import x\n", encoding="utf-8"
    )
    assert import_cycles(tmp_path) == ["storage.a -> storage.b -> storage.a"]
