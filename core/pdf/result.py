"""What rendering the minutes gives: the PDF, and where its two signature boxes are."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignatureBox:
    """Where a signature field goes, for the signing code (pyhanko's SigFieldSpec)."""

    field_name: str  # "enterprise" or "partner"
    page: int  # 0-based page index
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points, origin bottom-left


@dataclass(frozen=True)
class RenderedMinutes:
    """The PDF of the minutes, where its signatures go, and how many pages it has."""

    pdf: bytes
    signature_boxes: tuple[SignatureBox, ...]
    pages: int
