"""Sign with a key that never leaves a PKCS#11 token (smart card, USB token).

The token's module (a .so library from its maker, or OpenSC's) is loaded for the time it is
used and finalised afterwards, so that no session or login stays open, and a token plugged in
later is seen the next time. Every problem a signatory can cause (a wrong path, an unplugged
token, a wrong or locked PIN, a token without a usable key) is a `SigningError` in words.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pkcs11 import Attribute, CertificateType, KeyType, Mechanism, ObjectClass, TokenFlag
from pyhanko.sign.pkcs11 import PKCS11Signer

from core.signatures import Identity, SigningError, signer_identity

_log = logging.getLogger(__name__)

# sign() in core.signatures always hashes with SHA-256: the token must sign such a digest,
# either hashing itself (the first mechanism) or given the digest (the raw one, as SoftHSM2
# and many cards only offer for ECDSA).
_SHA256_MECHANISMS = {
    KeyType.EC: (Mechanism.ECDSA_SHA256, Mechanism.ECDSA),
    KeyType.RSA: (Mechanism.SHA256_RSA_PKCS, Mechanism.RSA_PKCS),
}

# PKCS#11 keeps one login per application and token, and C_Finalize ends every session of a
# module: how many users each loaded module has, and which tokens are open for signing.
_lock = threading.Lock()
_module_users: dict[str, int] = {}
_open_tokens: set[tuple[str, bytes, str]] = set()


# --- the module -------------------------------------------------------------------------------


def _module_path(module: str | Path) -> Path:
    """The module's path, checked to be a file before anything loads it."""
    path = Path(module).expanduser()
    if not path.is_file():
        raise SigningError(f"There is no PKCS#11 module at {path}: no such file.")
    return path


@contextmanager
def _loaded_module(path: Path) -> Iterator[Any]:
    """The module, initialised while in use and finalised when its last user leaves."""
    key = str(path.resolve())  # python-pkcs11 keeps one loaded module per path string
    with _lock:
        try:
            library = pkcs11.lib(key)
        except pkcs11.PKCS11Error as error:
            if "while loading" in str(error):  # python-pkcs11's words for a failed dlopen/dlsym
                raise SigningError(
                    f"{path} is not a PKCS#11 module; choose the library your token's "
                    "software installed (for example opensc-pkcs11.so)."
                ) from None
            raise SigningError(
                f"The PKCS#11 module {path} did not start ({_describe(error)}); "
                "reinstall the token's software or choose another module."
            ) from None
        _module_users[key] = _module_users.get(key, 0) + 1
    try:
        yield library
    finally:
        with _lock:
            _module_users[key] -= 1
            if not _module_users[key]:
                del _module_users[key]
                try:
                    library.finalize()  # closes every session, logged in or leaked
                except pkcs11.PKCS11Error:
                    _log.debug("Finalising %s failed", key, exc_info=True)


def _describe(error: pkcs11.PKCS11Error) -> str:
    """The PKCS#11 error's name, with python-pkcs11's text when it has one."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _present_tokens(library: Any) -> list[Any]:
    """The initialised tokens in the module's slots (an empty slot or a blank card is none)."""
    tokens = []
    for slot in library.get_slots(token_present=True):
        try:
            token = slot.get_token()
        except (pkcs11.TokenNotPresent, pkcs11.TokenNotRecognised):
            continue  # removed meanwhile, or a card the module cannot read
        if token.flags & TokenFlag.TOKEN_INITIALIZED:
            tokens.append(token)
    return tokens


def _quoted(labels: list[str]) -> str:
    return ", ".join(f'"{label}"' for label in labels)


def token_labels(module: str | Path) -> list[str]:
    """The labels of the tokens present in a PKCS#11 module, for the signatory to choose from."""
    path = _module_path(module)
    with _loaded_module(path) as library:
        try:
            return [token.label for token in _present_tokens(library)]
        except pkcs11.PKCS11Error as error:
            raise SigningError(
                f"The PKCS#11 module {path} could not list its tokens ({_describe(error)})."
            ) from None


# --- the token --------------------------------------------------------------------------------


def _find_token(library: Any, token_label: str) -> Any:
    try:
        tokens = _present_tokens(library)
    except pkcs11.PKCS11Error as error:
        raise SigningError(
            f"The PKCS#11 module could not list its tokens ({_describe(error)})."
        ) from None
    found = [token for token in tokens if token.label == token_label]
    if len(found) == 1:
        return found[0]
    if found:
        raise SigningError(
            f'Several tokens are labelled "{token_label}"; '
            "leave only the one to sign with connected."
        )
    if not tokens:
        raise SigningError(f'No token labelled "{token_label}" is present: no token is connected.')
    raise SigningError(
        f'No token labelled "{token_label}" is present; '
        f"the tokens present are {_quoted([token.label for token in tokens])}."
    )


def _login_refused(error: pkcs11.PKCS11Error, token_label: str, final_try: bool) -> SigningError:
    """What a failed login means for the signatory."""
    if isinstance(error, pkcs11.PinIncorrect | pkcs11.PinInvalid | pkcs11.PinLenRange):
        warning = "; one more wrong PIN will lock it" if final_try else ""
        return SigningError(f'The PIN is wrong for the token "{token_label}"{warning}.')
    if isinstance(error, pkcs11.PinLocked):
        return _pin_locked(token_label)
    if isinstance(error, pkcs11.PinExpired):
        return SigningError(
            f'The PIN of the token "{token_label}" has expired; '
            "change it with the token's own software."
        )
    if isinstance(error, pkcs11.UserPinNotInitialized):
        return SigningError(
            f'The token "{token_label}" has no user PIN yet; set one with its own software.'
        )
    if isinstance(error, pkcs11.UserAlreadyLoggedIn | pkcs11.AnotherUserAlreadyLoggedIn):
        return _already_open(token_label)
    return SigningError(
        f'The token "{token_label}" refused to open ({_describe(error)}); '
        "check that it is connected and try again."
    )


def _pin_locked(token_label: str) -> SigningError:
    return SigningError(
        f'The PIN of the token "{token_label}" is locked after too many wrong tries; '
        "unblock it with the token's own software (its PUK or security officer PIN)."
    )


def _already_open(token_label: str) -> SigningError:
    return SigningError(
        f'The token "{token_label}" is already open for signing in this app; '
        "finish that signature first."
    )


def _log_in(token: Any, pin: str) -> Any:
    """A session logged in as the token's user."""
    if token.flags & TokenFlag.USER_PIN_LOCKED:
        raise _pin_locked(token.label)
    if not pin:
        raise SigningError(f'Enter the PIN of the token "{token.label}".')
    try:
        # A failed login leaks the session python-pkcs11 opened for it: finalising the module
        # on the way out closes it.
        return token.open(user_pin=pin)
    except pkcs11.PKCS11Error as error:
        try:
            final_try = bool(token.slot.get_token().flags & TokenFlag.USER_PIN_FINAL_TRY)
        except pkcs11.PKCS11Error:
            final_try = False
        raise _login_refused(error, token.label, final_try) from None


# --- the key ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _KeyPair:
    """A private key on the token and the certificate that belongs to it."""

    key: Any
    key_id: bytes
    key_label: str
    certificate: asn1_x509.Certificate
    certificate_label: str

    @property
    def name(self) -> str:
        """How the signatory's other software shows the pair."""
        return self.key_label or self.certificate_label or f"ID {self.key_id.hex()}"


def _attribute(obj: Any, attribute: Attribute, default: Any) -> Any:
    try:
        value = obj[attribute]
    except pkcs11.PKCS11Error:  # not defined for this object, or not readable
        return default
    return default if value is None else value


def _certificates(session: Any) -> list[tuple[bytes, str, asn1_x509.Certificate]]:
    """The token's X.509 certificates that parse: ID, label and certificate."""
    found = []
    query = {Attribute.CLASS: ObjectClass.CERTIFICATE}
    for obj in session.get_objects(query):
        if _attribute(obj, Attribute.CERTIFICATE_TYPE, None) != CertificateType.X_509:
            continue
        der = bytes(_attribute(obj, Attribute.VALUE, b""))
        try:
            x509.load_der_x509_certificate(der)
        except ValueError:
            _log.debug("Skipping a certificate on the token that does not parse")
            continue
        found.append(
            (
                bytes(_attribute(obj, Attribute.ID, b"")),
                str(_attribute(obj, Attribute.LABEL, "")),
                asn1_x509.Certificate.load(der),
            )
        )
    return found


def _key_pairs(session: Any, token_label: str) -> list[_KeyPair]:
    """Each private key that can sign, with its certificate: same ID, else same label."""
    query = {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.SIGN: True}
    keys = list(session.get_objects(query))
    if not keys:
        raise SigningError(f'The token "{token_label}" holds no private key to sign with.')
    certificates = _certificates(session)
    if not certificates:
        raise SigningError(
            f'The token "{token_label}" holds no certificate, so its key cannot sign.'
        )
    pairs = []
    for key in keys:
        key_id = bytes(_attribute(key, Attribute.ID, b""))
        key_label = str(_attribute(key, Attribute.LABEL, ""))
        matching = [c for c in certificates if key_id and c[0] == key_id] or [
            c for c in certificates if key_label and c[1] == key_label
        ]
        if matching:
            _, certificate_label, certificate = matching[0]
            pairs.append(_KeyPair(key, key_id, key_label, certificate, certificate_label))
    if not pairs:
        raise SigningError(
            f'The token "{token_label}" holds no certificate for its private key, '
            "so the key cannot sign."
        )
    return pairs


def _choose(pairs: list[_KeyPair], token_label: str, key_label: str | None) -> _KeyPair:
    names = sorted(pair.name for pair in pairs)
    if key_label is None:
        if len(pairs) == 1:
            return pairs[0]
        raise SigningError(
            f'The token "{token_label}" holds several keys with certificates '
            f"({_quoted(names)}); choose one by its label."
        )
    chosen = [pair for pair in pairs if key_label in (pair.key_label, pair.certificate_label)]
    if len(chosen) == 1:
        return chosen[0]
    if chosen:
        raise SigningError(
            f'Several keys on the token "{token_label}" are labelled "{key_label}"; '
            "give each key its own label with the token's software."
        )
    raise SigningError(
        f'The token "{token_label}" has no key labelled "{key_label}"; '
        f"its keys are labelled {_quoted(names)}."
    )


class _TokenSigner(PKCS11Signer):
    """pyHanko's PKCS#11 signer, saying in words when its token is closed or fails."""

    token_label: str = ""
    closed: bool = False

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:  # sizes the signature, the token is not used
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        if self.closed:
            raise SigningError(
                f'The token "{self.token_label}" was closed after use; open it again to sign.'
            )
        try:
            return await super().async_sign_raw(data, digest_algorithm)
        except pkcs11.PKCS11Error as error:
            raise SigningError(
                f'The token "{self.token_label}" did not sign ({_describe(error)}); '
                "check that it is still connected and try again."
            ) from None


def _signer(token: Any, session: Any, pair: _KeyPair, pin: str) -> _TokenSigner:
    """A signer for the pair, using the raw mechanism when the token cannot hash itself."""
    key_type = _attribute(pair.key, Attribute.KEY_TYPE, None)
    use_raw = False
    if key_type in _SHA256_MECHANISMS:
        hashed, raw = _SHA256_MECHANISMS[key_type]
        mechanisms = token.slot.get_mechanisms()
        if hashed not in mechanisms:
            if raw not in mechanisms:
                raise SigningError(
                    f'The token "{token.label}" cannot make SHA-256 signatures '
                    f'with the key "{pair.name}".'
                )
            use_raw = True
    # A card's signature key often needs its PIN again for each signature.
    per_signature_pin = bool(_attribute(pair.key, Attribute.ALWAYS_AUTHENTICATE, False))
    signer = _TokenSigner(
        session,
        signing_cert=pair.certificate,
        key_id=pair.key_id or None,
        key_label=pair.key_label or None,
        use_raw_mechanism=use_raw,
        base_sign_kwargs={"pin": pin} if per_signature_pin else None,
    )
    signer.token_label = token.label
    return signer


def _close(session: Any, token_label: str) -> None:
    """Log out and close; a token pulled out meanwhile has no session left to close."""
    try:
        session.close()
    except pkcs11.PKCS11Error:
        _log.debug("Closing the session of %s failed", token_label, exc_info=True)


@contextmanager
def open_token_identity(
    module: str | Path,
    token_label: str,
    pin: str,
    key_label: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Iterator[Identity]:
    """The identity of a key on a PKCS#11 token, usable for signing inside the with-block.

    Without a key label the token must hold exactly one private key with its certificate. On
    leaving the block the session is logged out and closed, and the identity can sign no more.
    """
    path = _module_path(module)
    with _loaded_module(path) as library:
        token = _find_token(library, token_label)
        held = (str(path.resolve()), token.serial, token.label)
        with _lock:
            if held in _open_tokens:
                raise _already_open(token_label)
            _open_tokens.add(held)
        try:
            session = _log_in(token, pin)
            signer: _TokenSigner | None = None
            try:
                try:
                    pair = _choose(_key_pairs(session, token_label), token_label, key_label)
                    signer = _signer(token, session, pair, pin)
                    identity = signer_identity(signer, now=now)  # loads the key's handle
                except pkcs11.PKCS11Error as error:
                    raise SigningError(
                        f'The token "{token_label}" could not be read ({_describe(error)}); '
                        "check that it is still connected and try again."
                    ) from None
                yield identity
            finally:
                if signer is not None:
                    signer.closed = True
                _close(session, token_label)
        finally:
            with _lock:
                _open_tokens.discard(held)
