"""X.509 certificates for tests: a subject's name, key usages, and a certificate issued to a
key, self-signed or by an authority (EC keys, SHA-256)."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core.signatures import Identity


def new_key() -> ec.EllipticCurvePrivateKey:
    """A fresh EC P-256 key, as core.signatures.create_identity makes."""
    return ec.generate_private_key(ec.SECP256R1())


def subject(
    common_name: str,
    *,
    side: str | None = None,
    organisation: str | None = None,
    email: str | None = None,
) -> x509.Name:
    """A name: common name, then the side (organisational unit), organisation and e-mail given."""
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    for oid, value in (
        (NameOID.ORGANIZATIONAL_UNIT_NAME, side),
        (NameOID.ORGANIZATION_NAME, organisation),
        (NameOID.EMAIL_ADDRESS, email),
    ):
        if value is not None:
            attributes.append(x509.NameAttribute(oid, value))
    return x509.Name(attributes)


def key_usage(*, signing: bool = False, authority: bool = False) -> x509.KeyUsage:
    """Signing: digitalSignature and nonRepudiation; authority: keyCertSign and cRLSign."""
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=authority,
        crl_sign=authority,
        encipher_only=False,
        decipher_only=False,
    )


def issue(
    subject_name: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    *,
    start: dt.datetime,
    days: int,
    slack: dt.timedelta = dt.timedelta(0),
    issuer_name: x509.Name | None = None,
    issuer_key: ec.EllipticCurvePrivateKey | None = None,
    authority: bool = False,
    email: str | None = None,
    key_ids: bool = False,
    serial: int | None = None,
) -> x509.Certificate:
    """A certificate for key's public key, valid from `slack` before start to `days` after it.

    Self-signed unless issuer_name and issuer_key are given. Critical basic constraints, CA
    (path length 0) for an authority, and key usages: an authority's, else signing. With
    key_ids, a subject key identifier on a self-signed certificate and an authority key
    identifier on an issued one; with email, a subject alternative name of that address. A
    random serial number unless one is given."""
    if (issuer_name is None) != (issuer_key is None):
        raise ValueError("an issuer needs both its name and its key")
    signer = key if issuer_key is None else issuer_key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject_name)
        .issuer_name(subject_name if issuer_name is None else issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number() if serial is None else serial)
        .not_valid_before(start - slack)
        .not_valid_after(start + dt.timedelta(days=days))
    )
    constraints = x509.BasicConstraints(ca=authority, path_length=0 if authority else None)
    builder = builder.add_extension(constraints, critical=True)
    usage = key_usage(signing=not authority, authority=authority)
    builder = builder.add_extension(usage, critical=True)
    if key_ids and issuer_key is None:
        identifier = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        builder = builder.add_extension(identifier, critical=False)
    if key_ids and issuer_key is not None:
        vouched = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())
        builder = builder.add_extension(vouched, critical=False)
    if email is not None:
        alternative = x509.SubjectAlternativeName([x509.RFC822Name(email)])
        builder = builder.add_extension(alternative, critical=False)
    return builder.sign(signer, hashes.SHA256())


def identity(name: str, email: str, side: str, *, start: dt.datetime, days: int = 3650) -> Identity:
    """A signing identity held in memory (no key file, so no key-stretching wait): a fresh key
    and a self-signed certificate naming its holder, their side and e-mail."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from core.signatures import signer_identity

    key = new_key()
    certificate = issue(
        subject(name, side=side, organisation="Test", email=email), key, start=start, days=days
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(
            certificate.public_bytes(serialization.Encoding.DER)
        ),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore(),
    )
    return signer_identity(signer, now=start + dt.timedelta(days=1))
