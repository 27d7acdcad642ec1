"""Reading a certificate someone hands over to be registered: its PEM form, the side it says
its holder signs for, and whether it is an authority's. Its fingerprint is
core.signatures.certificate_fingerprint."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from core.signatures import SIDES, load_certificate


def certificate_pem(data: bytes) -> bytes:
    return load_certificate(data).public_bytes(serialization.Encoding.PEM)


def certificate_holder(data: bytes) -> str:
    """The common name a certificate gives its holder ("" when it gives none)."""
    values = load_certificate(data).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def certificate_side(data: bytes) -> str:
    """The side a certificate says its holder signs for (its organisational unit), or ""."""
    values = load_certificate(data).subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    side = str(values[0].value) if values else ""
    return side if side in SIDES else ""


def is_authority(data: bytes) -> bool:
    """The certificate may issue others (basic constraints CA, key usage keyCertSign)."""
    certificate = load_certificate(data)
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return bool(constraints.value.ca)
