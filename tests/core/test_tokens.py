"""Signing the minutes with a key on a PKCS#11 token: a real SoftHSM2 token, made per test."""

from __future__ import annotations

import ctypes.util
import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pkcs11 import Attribute
from pkcs11.util.x509 import decode_x509_certificate
from pyhanko.sign.pkcs11 import PKCS11Signer

from core import tokens
from core.signatures import SigningError, prepare_for_signing, sign, verify
from core.tokens import open_token_identity, token_labels
from tests.certificates import issue, new_key, subject
from tests.core.one_page import minutes_pdf


def _softhsm_library() -> Path | None:
    """Where this machine's SoftHSM2 PKCS#11 module is, if it has one."""
    candidates = [
        "/usr/lib/softhsm/libsofthsm2.so",  # Debian, Ubuntu
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib64/pkcs11/libsofthsm2.so",  # Fedora
        "/usr/local/lib/softhsm/libsofthsm2.so",
        "/opt/homebrew/lib/softhsm/libsofthsm2.so",  # macOS
    ]
    found = ctypes.util.find_library("softhsm2")
    if found and Path(found).is_absolute():
        candidates.append(found)
    return next((Path(c) for c in candidates if Path(c).is_file()), None)


_FOUND = _softhsm_library()
_FOUND_UTIL = shutil.which("softhsm2-util")
if _FOUND is None or _FOUND_UTIL is None:
    pytest.skip(
        "SoftHSM2 is not installed (its libsofthsm2.so and softhsm2-util); "
        ".ci/run installs Debian's softhsm2",
        allow_module_level=True,
    )
assert _FOUND is not None and _FOUND_UTIL is not None
SOFTHSM: Path = _FOUND
SOFTHSM_UTIL: str = _FOUND_UTIL

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
TOKEN = "Partner token"
PIN = "246810"
SO_PIN = "13579111"
KEY_LABEL = "Stefan Lindqvist"
RECORD = b'{"decisions":["Renew the contract"],"meeting":{"number":12}}'


@dataclass(frozen=True)
class Holder:
    """A key and its self-signed certificate, as a signatory's token would hold them."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _holder(name: str, side: str = "partner") -> Holder:
    """As core.signatures.create_identity makes one: EC P-256, signing key usages."""
    key = new_key()
    holder = subject(name, side=side, organisation="Partner plc", email="stefan@partner.example")
    certificate = issue(holder, key, start=NOW, days=365, slack=dt.timedelta(hours=1))
    return Holder(key, certificate)


@pytest.fixture(scope="module")
def stefan() -> Holder:
    return _holder("Stefan Lindqvist")


@pytest.fixture(scope="module")
def prepared() -> bytes:
    return prepare_for_signing(minutes_pdf(), RECORD)


class SoftHsm:
    """A SoftHSM2 token directory of the test's own, and what can be put in it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _util(self, *arguments: str) -> None:
        subprocess.run(
            [SOFTHSM_UTIL, *arguments], check=True, capture_output=True, text=True, timeout=60
        )

    def init_token(self, label: str = TOKEN) -> None:
        self._util("--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN)

    def put_key(self, holder: Holder, label: str, key_id: bytes, token: str = TOKEN) -> None:
        """The private key, imported as PKCS#8 by SoftHSM2's own tool."""
        path = self.directory / f"{key_id.hex()}.pem"
        path.write_bytes(
            holder.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        try:
            self._util(
                "--import", str(path), "--token", token, "--label", label,
                "--id", key_id.hex(), "--pin", PIN,
            )  # fmt: skip
        finally:
            path.unlink()

    def put_certificate(
        self, holder: Holder, label: str, key_id: bytes, token: str = TOKEN
    ) -> None:
        """The certificate, written through python-pkcs11 with the key's ID and label."""
        library = pkcs11.lib(str(SOFTHSM.resolve()))
        try:
            with library.get_token(token_label=token).open(rw=True, user_pin=PIN) as session:
                attributes = decode_x509_certificate(
                    holder.certificate.public_bytes(serialization.Encoding.DER)
                )
                attributes.update({Attribute.TOKEN: True, Attribute.LABEL: label})
                attributes[Attribute.ID] = key_id
                session.create_object(attributes)
        finally:
            library.finalize()  # SoftHSM2 reads its configuration again on the next start


@pytest.fixture
def softhsm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SoftHsm:
    """An empty SoftHSM2 token directory, configured for this test only."""
    (tmp_path / "tokens").mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {tmp_path / 'tokens'}\n"
        "objectstore.backend = file\n"
        "log.level = ERROR\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SOFTHSM2_CONF", str(config))
    return SoftHsm(tmp_path)


@pytest.fixture
def token(softhsm: SoftHsm, stefan: Holder) -> SoftHsm:
    """A token holding Stefan's key and certificate, as his USB token would."""
    softhsm.init_token()
    softhsm.put_key(stefan, KEY_LABEL, b"\x01")
    softhsm.put_certificate(stefan, KEY_LABEL, b"\x01")
    return softhsm


@pytest.fixture
def signed(token: SoftHsm, prepared: bytes) -> Iterator[bytes]:
    with open_token_identity(SOFTHSM, TOKEN, PIN) as identity:
        yield sign(prepared, identity, "partner", reason="Approved", signed_at=NOW)


def _refusal(**changes: object) -> str:
    """The message open_token_identity refuses with, given these arguments."""
    arguments: dict[str, object] = {"module": SOFTHSM, "token_label": TOKEN, "pin": PIN}
    arguments.update(changes)
    with pytest.raises(SigningError) as refused, open_token_identity(**arguments):  # type: ignore[arg-type]
        pass
    message = refused.value.message
    assert "\n" not in message and "Traceback" not in message
    return message


# --- finding tokens ---------------------------------------------------------------------------


def test_token_labels_lists_the_initialised_tokens_only(softhsm: SoftHsm) -> None:
    """SoftHSM2 always offers one more, blank token: it is not one to choose."""
    assert token_labels(SOFTHSM) == []
    softhsm.init_token(TOKEN)
    softhsm.init_token("Spare token")
    assert sorted(token_labels(SOFTHSM)) == ["Partner token", "Spare token"]


def test_a_module_path_that_does_not_exist_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing-pkcs11.so"
    expected = f"There is no PKCS#11 module at {missing}: no such file."
    assert _refusal(module=missing) == expected
    with pytest.raises(SigningError, match="There is no PKCS#11 module"):
        token_labels(missing)


@pytest.mark.parametrize("content", [b"not a library", None])
def test_a_file_that_is_not_a_pkcs11_library_is_named(tmp_path: Path, content: bytes) -> None:
    """A text file, or a real shared library without C_GetFunctionList (libc's)."""
    if content is None:
        libc = ctypes.util.find_library("c")
        candidates = [Path("/lib/x86_64-linux-gnu") / (libc or ""), Path("/usr/lib") / (libc or "")]
        path = next((c for c in candidates if libc and c.is_file()), None)
        if path is None:
            pytest.skip("no libc found by path to load")
    else:
        path = tmp_path / "fake-pkcs11.so"
        path.write_bytes(content)
    message = _refusal(module=path)
    assert message == (
        f"{path} is not a PKCS#11 module; choose the library your token's software installed "
        "(for example opensc-pkcs11.so)."
    )


# --- signing ----------------------------------------------------------------------------------


def test_the_token_identity_says_who_holds_the_key(token: SoftHsm, stefan: Holder) -> None:
    with open_token_identity(SOFTHSM, TOKEN, PIN) as identity:
        assert identity.name == "Stefan Lindqvist"
        assert identity.side == "partner"
        assert identity.organisation == "Partner plc"
        assert identity.email == "stefan@partner.example"
        assert identity.fingerprint == stefan.certificate.fingerprint(hashes.SHA256()).hex()
        assert identity.certificate_pem == stefan.certificate_pem


def test_a_token_signature_is_trusted_when_its_certificate_is_known(
    signed: bytes, stefan: Holder
) -> None:
    (report,) = verify(signed, [stefan.certificate_pem])
    assert report.ok, report.problems
    assert report.field_name == "partner" and report.signer == "Stefan Lindqvist"
    assert report.signed_at == NOW


def test_a_token_signature_is_intact_but_untrusted_when_its_certificate_is_unknown(
    signed: bytes,
) -> None:
    other = _holder("Somebody Else")
    (report,) = verify(signed, [other.certificate_pem])
    assert report.intact and not report.trusted and not report.ok
    assert "is not one of the partnership's known certificates" in report.problems[0]


def test_poppler_finds_the_token_signature_valid(signed: bytes, tmp_path: Path) -> None:
    """pdfsig, a validator we did not write, checks the ECDSA signature the token made."""
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None:
        pytest.skip("poppler's pdfsig is not installed (.ci/run installs poppler-utils)")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    text = subprocess.run(
        [pdfsig, str(path)], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    assert "Signer Certificate Common Name: Stefan Lindqvist" in text, text
    assert "Signature Validation: Signature is Valid." in text, text


def test_the_session_is_closed_after_the_block(token: SoftHsm, prepared: bytes) -> None:
    """After the block the identity cannot sign and the session is gone; opening again works."""
    with open_token_identity(SOFTHSM, TOKEN, PIN) as identity:
        signer = identity._signer
        assert isinstance(signer, PKCS11Signer)
        session = signer.pkcs11_session
    with pytest.raises(SigningError) as refused:
        sign(prepared, identity, "partner", reason="Approved")
    assert refused.value.message == (
        'The token "Partner token" was closed after use; open it again to sign.'
    )
    with pytest.raises(pkcs11.PKCS11Error):  # the module is finalised
        session.generate_random(64)
    with open_token_identity(SOFTHSM, TOKEN, PIN) as again:
        assert sign(prepared, again, "partner", reason="Approved")


def test_the_session_is_closed_when_the_block_raises(token: SoftHsm) -> None:
    with pytest.raises(ZeroDivisionError), open_token_identity(SOFTHSM, TOKEN, PIN):
        1 / 0  # noqa: B018
    with open_token_identity(SOFTHSM, TOKEN, PIN) as identity:
        assert identity.name == "Stefan Lindqvist"


def test_a_token_already_open_is_not_opened_twice(token: SoftHsm) -> None:
    """One login per application and token: a second one would end the first one's session."""
    with open_token_identity(SOFTHSM, TOKEN, PIN):
        assert _refusal() == (
            'The token "Partner token" is already open for signing in this app; '
            "finish that signature first."
        )


def test_an_expired_certificate_on_the_token_is_refused_and_the_token_closed(
    token: SoftHsm,
) -> None:
    message = _refusal(now=NOW + dt.timedelta(days=400))
    assert message.startswith("This certificate expired on"), message
    with open_token_identity(SOFTHSM, TOKEN, PIN) as identity:
        assert identity.name == "Stefan Lindqvist"


# --- refusals ---------------------------------------------------------------------------------


def test_a_wrong_pin_is_refused(token: SoftHsm) -> None:
    assert _refusal(pin="000000") == 'The PIN is wrong for the token "Partner token".'


def test_an_empty_pin_is_asked_for(token: SoftHsm) -> None:
    assert _refusal(pin="") == 'Enter the PIN of the token "Partner token".'


def test_an_unknown_token_label_lists_the_tokens_present(token: SoftHsm) -> None:
    token.init_token("Spare token")
    message = _refusal(token_label="Enterprise token")
    assert message.startswith('No token labelled "Enterprise token" is present; '), message
    assert '"Partner token"' in message and '"Spare token"' in message, message


def test_a_token_label_when_no_token_is_connected(softhsm: SoftHsm) -> None:
    assert _refusal() == 'No token labelled "Partner token" is present: no token is connected.'


def test_a_token_without_a_key_is_refused(softhsm: SoftHsm, stefan: Holder) -> None:
    softhsm.init_token()
    softhsm.put_certificate(stefan, KEY_LABEL, b"\x01")
    assert _refusal() == 'The token "Partner token" holds no private key to sign with.'


def test_a_token_without_a_certificate_is_refused(softhsm: SoftHsm, stefan: Holder) -> None:
    softhsm.init_token()
    softhsm.put_key(stefan, KEY_LABEL, b"\x01")
    assert _refusal() == ('The token "Partner token" holds no certificate, so its key cannot sign.')


def test_a_key_whose_certificate_is_missing_is_refused(softhsm: SoftHsm, stefan: Holder) -> None:
    """A certificate with another ID and label belongs to no key."""
    softhsm.init_token()
    softhsm.put_key(stefan, KEY_LABEL, b"\x01")
    softhsm.put_certificate(_holder("Somebody Else"), "Other", b"\x02")
    assert _refusal() == (
        'The token "Partner token" holds no certificate for its private key, '
        "so the key cannot sign."
    )


@pytest.fixture
def two_keys(token: SoftHsm) -> SoftHsm:
    """Stefan's token with a second key and certificate, labelled "Stefan (2027)"."""
    second = _holder("Stefan Lindqvist")
    token.put_key(second, "Stefan (2027)", b"\x02")
    token.put_certificate(second, "Stefan (2027)", b"\x02")
    return token


def test_several_keys_need_a_key_label(two_keys: SoftHsm) -> None:
    assert _refusal() == (
        'The token "Partner token" holds several keys with certificates '
        '("Stefan (2027)", "Stefan Lindqvist"); choose one by its label.'
    )


def test_a_key_label_chooses_the_key(two_keys: SoftHsm, stefan: Holder, prepared: bytes) -> None:
    with open_token_identity(SOFTHSM, TOKEN, PIN, key_label=KEY_LABEL) as identity:
        assert identity.certificate_pem == stefan.certificate_pem
        signed = sign(prepared, identity, "partner", reason="Approved")
    (report,) = verify(signed, [stefan.certificate_pem])
    assert report.ok, report.problems


def test_an_unknown_key_label_lists_the_labels(two_keys: SoftHsm) -> None:
    message = _refusal(key_label="Stefan (2019)")
    assert message.startswith(
        'The token "Partner token" has no key labelled "Stefan (2019)"; its keys are labelled '
    ), message
    assert '"Stefan Lindqvist"' in message and '"Stefan (2027)"' in message, message


@pytest.mark.parametrize(
    ("error", "final_try", "expected"),
    [
        (pkcs11.PinIncorrect(), False, 'The PIN is wrong for the token "T".'),
        (
            pkcs11.PinIncorrect(),
            True,
            'The PIN is wrong for the token "T"; one more wrong PIN will lock it.',
        ),
        (
            pkcs11.PinLocked(),
            False,
            'The PIN of the token "T" is locked after too many wrong tries; unblock it with '
            "the token's own software (its PUK or security officer PIN).",
        ),
        (
            pkcs11.PinExpired(),
            False,
            'The PIN of the token "T" has expired; change it with the token\'s own software.',
        ),
        (
            pkcs11.DeviceRemoved(),
            False,
            'The token "T" refused to open (DeviceRemoved); '
            "check that it is connected and try again.",
        ),
    ],
)
def test_login_failures_a_softhsm_token_cannot_produce_are_put_in_words(
    error: pkcs11.PKCS11Error, final_try: bool, expected: str
) -> None:
    """SoftHSM2 2.6 never locks a PIN (it counts wrong PINs but lets the next one try)."""
    assert tokens._login_refused(error, "T", final_try).message == expected
