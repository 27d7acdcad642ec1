"""PySide6 user interface: thin screens over core and storage."""
