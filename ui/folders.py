"""The folder a file dialog opens in: the one last used for that kind of file, remembered in
the app's settings, else the home folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings


def last_folder(settings: QSettings | None, kind: str) -> Path:
    remembered = settings.value(f"folders/{kind}", "") if settings is not None else ""
    folder = Path(str(remembered)) if remembered else Path.home()
    return folder if folder.is_dir() else Path.home()


def remember_folder(settings: QSettings | None, kind: str, chosen: Path) -> None:
    """Remember the folder of a file (or the folder itself) the user just chose."""
    if settings is not None:
        folder = chosen if chosen.is_dir() else chosen.parent
        settings.setValue(f"folders/{kind}", str(folder))
