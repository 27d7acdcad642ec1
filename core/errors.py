"""The project's own error types: each carries a message a user can act on."""

from __future__ import annotations


class ReviewError(Exception):
    """Base of every error a user can cause or meet; its message is shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(ReviewError):
    """A value typed or imported is not acceptable; `field` names where it was given."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class LifecycleError(ReviewError):
    """A meeting was asked to move to a state its current state does not allow."""
