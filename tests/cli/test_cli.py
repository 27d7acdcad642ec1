"""main.py as users run it: each command's exit status, and every error one line on stderr."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBCOMMANDS = [
    "demo",
    "export-minutes",
    "verify",
    "import-kpis",
    "backup",
    "restore",
    "key",
    "certificate",
    "send-for-signature",
    "sign",
    "receive-signed",
    "import-minutes",
    "search",
    "pre-read",
    "receive-updates",
]


def _env(**changes: str | None) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python main.py ARGS` from the project's folder, as a user would."""
    return subprocess.run(
        [sys.executable, "main.py", *map(str, args)],
        cwd=ROOT,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """The command failed with status 2 and one line on stderr, no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _meetings(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id, title, status FROM meeting ORDER BY rowid").fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made once through the command line, for the commands that read one."""
    path = tmp_path_factory.mktemp("cli-demo") / "demo.db"
    result = run("demo", "--db", path)
    assert result.returncode == 0, result.stderr
    return path


# --- help -------------------------------------------------------------------------------


def test_help() -> None:
    """`main.py --help` lists every subcommand and exits 0."""
    result = run("--help")
    assert result.returncode == 0
    for command in SUBCOMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_subcommand_help(command: str) -> None:
    """Each subcommand's --help explains it and exits 0."""
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
    assert result.stderr == ""


# --- demo -------------------------------------------------------------------------------


def test_demo_creates_file(demo_file: Path) -> None:
    """`demo --db FILE` creates a healthy demo database: two years of meetings of its main
    partnership, and two smaller partnerships for the portfolio."""
    assert _integrity(demo_file) == "ok"
    conn = sqlite3.connect(demo_file)
    try:
        counts = [
            n for (n,) in conn.execute(
                "SELECT count(m.id) FROM partnership p JOIN meeting m ON m.partnership_id = p.id "
                "GROUP BY p.id ORDER BY p.created_at"
            )
        ]  # fmt: skip
        assert counts[0] == 25 and len(counts) == 3 and len(set(counts)) == 3
    finally:
        conn.close()


def test_demo_says_where_it_wrote(tmp_path: Path) -> None:
    """`demo` tells the user the file it created, on stdout, and nothing on stderr."""
    path = tmp_path / "new folder" / "démo.db"
    result = run("demo", "--db", path)
    assert result.returncode == 0, result.stderr
    assert str(path) in result.stdout
    assert result.stderr == ""
    assert path.is_file()


def test_demo_refuses_existing_file(demo_file: Path) -> None:
    """`demo` on an existing file exits 2 with one line, and leaves the file as it was."""
    before = demo_file.read_bytes()
    result = run("demo", "--db", demo_file)
    assert_one_line_error(result, "already exists")
    assert demo_file.read_bytes() == before


def test_demo_refuses_scale_zero(tmp_path: Path) -> None:
    """`demo --scale 0` exits 2 with one line and writes nothing."""
    result = run("demo", "--db", tmp_path / "demo.db", "--scale", "0")
    assert_one_line_error(result, "scale")
    assert list(tmp_path.iterdir()) == []


def test_demo_scale_two(tmp_path: Path) -> None:
    """`demo --scale 2` writes twice the history."""
    path = tmp_path / "big.db"
    result = run("demo", "--db", path, "--scale", "2")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(path)
    try:
        (main,) = conn.execute("SELECT id FROM partnership ORDER BY created_at LIMIT 1").fetchone()
        assert (
            conn.execute(
                "SELECT count(*) FROM meeting WHERE partnership_id = ?", [main]
            ).fetchone()[0]
            == 49
        )
    finally:
        conn.close()


# --- backup -----------------------------------------------------------------------------


def test_backup(demo_file: Path, tmp_path: Path) -> None:
    """`backup` writes a copy that passes SQLite's integrity check and holds the same meetings."""
    out = tmp_path / "copy.db"
    result = run("backup", "--db", demo_file, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert _integrity(out) == "ok"
    assert _meetings(out) == _meetings(demo_file)


def test_backup_of_non_database(tmp_path: Path) -> None:
    """`backup` of a file that is not a database exits 2 with one line, and writes no copy."""
    source = tmp_path / "notes.txt"
    source.write_text("Minutes, typed by hand\n", encoding="utf-8")
    out = tmp_path / "copy.db"
    result = run("backup", "--db", source, "--out", out)
    assert_one_line_error(result, "not a database")
    assert not out.exists()
    assert source.read_text(encoding="utf-8") == "Minutes, typed by hand\n"


def test_backup_of_missing_database(tmp_path: Path) -> None:
    """`backup` of a file that does not exist exits 2 with one line, and creates nothing."""
    result = run("backup", "--db", tmp_path / "gone.db", "--out", tmp_path / "copy.db")
    assert_one_line_error(result, "does not exist")
    assert list(tmp_path.iterdir()) == []


def test_backup_onto_itself(demo_file: Path) -> None:
    """`backup` onto the database itself exits 2 with one line, and leaves it as it was."""
    before = demo_file.read_bytes()
    result = run("backup", "--db", demo_file, "--out", demo_file)
    assert_one_line_error(result)
    assert demo_file.read_bytes() == before


def test_backup_to_missing_folder(demo_file: Path, tmp_path: Path) -> None:
    """`backup --out` into a folder that does not exist exits 2 with one line, no traceback."""
    result = run("backup", "--db", demo_file, "--out", tmp_path / "no-such-folder" / "copy.db")
    assert_one_line_error(result)
    assert list(tmp_path.iterdir()) == []


# --- mistakes on the command line ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--no-such-option"],
        ["demo", "--db", "x.db", "--no-such-option"],
        ["no-such-command"],
        ["demo"],
        ["demo", "--db", "x.db", "--scale", "two"],
        ["backup", "--db", "x.db"],
        ["export-minutes", "--db", "x.db"],
    ],
    ids=lambda args: " ".join(args),
)
def test_command_line_mistake(args: list[str]) -> None:
    """A mistyped command line exits 2 with one line pointing to --help."""
    result = run(*args)
    line = assert_one_line_error(result, "--help")
    assert line.startswith("main.py")
    assert result.stdout == ""
    assert not (ROOT / "x.db").exists()


# --- the window ------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is a Linux matter")
def test_no_display(tmp_path: Path) -> None:
    """`main.py` with no display exits 2 with one line saying so, instead of crashing in Qt."""
    env = _env(DISPLAY=None, WAYLAND_DISPLAY=None, QT_QPA_PLATFORM=None, HOME=str(tmp_path))
    result = run(env=env)
    assert_one_line_error(result, "display")
    assert result.stdout == ""


def test_quit_when_ready_opens_the_window_and_exits_cleanly(
    demo_file: Path, tmp_path: Path
) -> None:
    """`--db FILE --quit-when-ready` starts the real app offscreen and exits 0 (the smoke test)."""
    env = _env(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = run("--db", demo_file, "--quit-when-ready", env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_quit_when_ready_on_a_broken_file_is_one_line(tmp_path: Path) -> None:
    """Opening a file that is not a database says so in one line and leaves it as it is."""
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"minutes of the meeting, not a database\n")
    env = _env(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = run("--db", junk, "--quit-when-ready", env=env)
    assert_one_line_error(result, "not a database")
    assert junk.read_bytes() == b"minutes of the meeting, not a database\n"
