"""PAdES baseline B-T: a signature timestamped by a timestamp authority (certomancer's, served on
loopback for the test), and verify reporting the time the authority vouches for."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms, pem, tsp
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.reader import PdfFileReader
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from core.signatures import (
    Identity,
    SigningError,
    create_identity,
    load_identity,
    prepare_for_signing,
    sign,
    verify,
)
from core.verification import describe
from tests.core.one_page import minutes_pdf

CONFIG = Path(__file__).parent / "tsa" / "certomancer.yml"
PASSPHRASE = "velvet harbour quietly sixteen"
RECORD = b'{"meeting":{"number":12,"title":"Monthly review"}}'
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
# The signer's clock runs eight minutes behind the authority's: the report must tell them apart.
SIGNED_AT = NOW - dt.timedelta(minutes=10)
TSA_CLOCK = NOW - dt.timedelta(minutes=2)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _QuietHandler(WSGIRequestHandler):
    """Serves one request at a time without a log line per request, and gives up on a client
    that stops sending after a few seconds."""

    timeout = 5

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextlib.contextmanager
def _serving(app: WsgiApp) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port, in a thread, until the block ends."""
    server = make_server("127.0.0.1", 0, app, request_handler=_QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class LocalAuthority:
    """A running timestamp authority: where to ask, and the certificate of the root it
    chains to (what a reader trusts)."""

    url: str
    root_der: bytes

    @property
    def root_pem(self) -> bytes:
        return pem.armor("CERTIFICATE", self.root_der)


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAuthority]:
    """certomancer's TSA (its Animator WSGI app) on loopback, its clock fixed at TSA_CLOCK, with
    keys made for this run: tests/core/tsa/certomancer.yml describes the root and the TSA."""
    folder = tmp_path_factory.mktemp("tsa")
    (folder / "keys").mkdir()
    for name in ("root", "tsa"):
        key = ec.generate_private_key(ec.SECP256R1())
        (folder / "keys" / f"{name}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    config = CertomancerConfig.from_file(str(CONFIG), key_search_dir=str(folder))
    root = config.get_pki_arch(ArchLabel("tests")).get_cert(CertLabel("root"))
    animator = Animator(
        AnimatorArchStore(config.pki_archs),
        at_time=TSA_CLOCK,
        with_web_ui=False,
        allow_time_override=False,
    )
    with _serving(animator) as base:
        yield LocalAuthority(url=f"{base}/tests/tsa/tsa", root_der=root.dump())


@pytest.fixture(scope="module")
def alice() -> Identity:
    data = create_identity(
        "Alice Martin", "alice@enterprise.example", "enterprise", "Enterprise Ltd", PASSPHRASE
    )
    return load_identity(data, PASSPHRASE)


@pytest.fixture(scope="module")
def prepared() -> bytes:
    return prepare_for_signing(minutes_pdf(), RECORD)


@pytest.fixture(scope="module")
def stamped(prepared: bytes, alice: Identity, authority: LocalAuthority) -> bytes:
    return sign(
        prepared,
        alice,
        "enterprise",
        reason="Approved",
        signed_at=SIGNED_AT,
        timestamp_url=authority.url,
    )


def _only(reports: list[Any]) -> Any:
    assert len(reports) == 1, reports
    return reports[0]


# --- a timestamped signature ----------------------------------------------------------------


def test_a_signature_made_with_a_timestamp_url_carries_the_authoritys_time(
    stamped: bytes, alice: Identity, authority: LocalAuthority
) -> None:
    """With the authority trusted, verify reports the authority's time beside the signer's
    own claim, and the signature is as good as one without a timestamp."""
    report = _only(
        verify(stamped, [alice.certificate_pem], timestamp_authorities=[authority.root_pem])
    )
    assert report.timestamped_at == TSA_CLOCK
    assert report.signed_at == SIGNED_AT
    assert report.ok, report.problems
    line = describe(report)
    assert f"at {SIGNED_AT:%Y-%m-%d %H:%M} UTC (signer's claim)" in line
    assert f"timestamped at {TSA_CLOCK:%Y-%m-%d %H:%M} UTC by a timestamp authority" in line


def test_the_authority_may_be_given_as_der(
    stamped: bytes, alice: Identity, authority: LocalAuthority
) -> None:
    report = _only(
        verify(stamped, [alice.certificate_pem], timestamp_authorities=[authority.root_der])
    )
    assert report.timestamped_at == TSA_CLOCK


def test_pyhankos_own_validator_finds_the_timestamp_trusted(
    stamped: bytes, alice: Identity, authority: LocalAuthority, tmp_path: Path
) -> None:
    """pyhanko's command line, trusting the signer and the authority's root, agrees."""
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(stamped)
    (tmp_path / "root.pem").write_bytes(authority.root_pem)
    (tmp_path / "alice.pem").write_bytes(alice.certificate_pem)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyhanko",
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
            str(tmp_path / "root.pem"),
            "--trust",
            str(tmp_path / "alice.pem"),
            "--no-revocation-check",
            str(pdf),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Signature timestamp token: {TSA_CLOCK.isoformat()}" in result.stdout
    assert "The TSA certificate is trusted." in result.stdout
    assert "The signature is judged VALID." in result.stdout


def test_poppler_finds_the_timestamped_signature_valid(stamped: bytes, tmp_path: Path) -> None:
    """pdfsig (poppler 22.12) does not show RFC 3161 timestamps, but the token in the
    signature's unsigned attributes must not upset it."""
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None:
        pytest.skip("poppler's pdfsig is not installed (.ci/run installs poppler-utils)")
    path = tmp_path / "signed.pdf"
    path.write_bytes(stamped)
    text = subprocess.run(
        [pdfsig, str(path)], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    assert "Signature Type: ETSI.CAdES.detached" in text, text
    assert "Signature Validation: Signature is Valid." in text, text
    assert "Total document signed" in text, text


# --- when the time is not established -------------------------------------------------------


def test_without_a_trusted_authority_the_time_is_the_signers_claim_alone(
    stamped: bytes, alice: Identity
) -> None:
    """A timestamp whose authority the reader does not trust establishes nothing, and costs
    the signature nothing either: it is still a good (B-B) signature."""
    for authorities in ([], [alice.certificate_pem]):
        report = _only(verify(stamped, [alice.certificate_pem], timestamp_authorities=authorities))
        assert report.timestamped_at is None
        assert report.ok, report.problems
        line = describe(report)
        assert "(signer's claim);" in line and "timestamped" not in line


def test_without_a_url_there_is_no_timestamp(
    prepared: bytes, alice: Identity, authority: LocalAuthority
) -> None:
    signed = sign(prepared, alice, "enterprise", reason="Approved", signed_at=SIGNED_AT)
    report = _only(
        verify(signed, [alice.certificate_pem], timestamp_authorities=[authority.root_pem])
    )
    assert report.timestamped_at is None
    assert report.signed_at == SIGNED_AT
    assert report.ok, report.problems


def _signature_slot(pdf: bytes) -> tuple[int, int, bytes]:
    """Where the hex /Contents string of the only signature is, and its CMS bytes."""
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    _, end1, start2, _ = (int(n) for n in embedded.byte_range)
    return end1, start2, embedded.pkcs7_content


def _with_timestamp_of(pdf: bytes, donor: bytes) -> bytes:
    """pdf whose signature carries donor's timestamp token (one made for another signature),
    rewritten in its slot: no byte the signature covers changes."""
    end1, start2, content = _signature_slot(pdf)
    signed_data = cms.ContentInfo.load(content)
    donor_info = cms.ContentInfo.load(_signature_slot(donor)[2])["content"]["signer_infos"][0]
    signed_data["content"]["signer_infos"][0]["unsigned_attrs"] = donor_info["unsigned_attrs"]
    written = signed_data.dump(force=True).hex().encode()
    room = start2 - end1 - 2
    assert len(written) <= room
    return pdf[:end1] + b"<" + written.ljust(room, b"0") + b">" + pdf[start2:]


def test_a_timestamp_taken_from_another_signature_is_a_problem(
    stamped: bytes, prepared: bytes, alice: Identity, authority: LocalAuthority
) -> None:
    """A genuine token from the trusted authority, moved onto another signature, vouches for
    nothing: no time is reported and the signature's report names the broken timestamp."""
    other = sign(prepared, alice, "enterprise", reason="Approved", timestamp_url=authority.url)
    moved = _with_timestamp_of(stamped, other)
    assert moved != stamped
    report = _only(
        verify(moved, [alice.certificate_pem], timestamp_authorities=[authority.root_pem])
    )
    assert report.timestamped_at is None
    assert report.intact and report.trusted
    assert report.problems == (
        'The timestamp of the "enterprise" signature does not match it: '
        "it was made for other data, or changed.",
    )
    assert not report.ok


# --- when the authority does not answer -----------------------------------------------------


def _assert_one_sentence(error: SigningError, url: str) -> None:
    message = error.message
    assert url in message
    assert "\n" not in message and message.endswith(".") and ". " not in message, message


def _closed_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_authority_is_one_sentence_and_no_file(
    prepared: bytes, alice: Identity, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{_closed_loopback_port()}/tsa"
    output = tmp_path / "signed.pdf"
    with pytest.raises(SigningError) as raised:
        output.write_bytes(
            sign(prepared, alice, "enterprise", reason="Approved", timestamp_url=url)
        )
    _assert_one_sentence(raised.value, url)
    assert not output.exists()


def _server_error(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    Request(environ).get_data()
    response = Response(b"<h1>Internal Server Error</h1>", status=500, mimetype="text/html")
    return response(environ, start_response)


def _web_page(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    Request(environ).get_data()
    response = Response(b"<h1>Welcome</h1>", mimetype="text/html")
    return response(environ, start_response)


def _refusal(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    Request(environ).get_data()
    # TimeStampResp with a status and no token (asn1crypto's class insists on a token)
    status = tsp.PKIStatusInfo({"status": "rejection"}).dump()
    refused = b"\x30" + bytes([len(status)]) + status
    response = Response(refused, mimetype="application/timestamp-reply")
    return response(environ, start_response)


def _junk_reply(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    Request(environ).get_data()
    response = Response(b"this is no timestamp", mimetype="application/timestamp-reply")
    return response(environ, start_response)


@pytest.mark.parametrize(
    "app",
    [
        pytest.param(_server_error, id="500"),
        pytest.param(_web_page, id="web-page"),
        # a refusal without a token (RFC 3161 allows it) and junk in the right content type
        pytest.param(_refusal, id="refusal"),
        pytest.param(_junk_reply, id="junk-reply"),
    ],
)
def test_an_authority_answering_garbage_is_a_signing_error(
    prepared: bytes, alice: Identity, app: WsgiApp
) -> None:
    with _serving(app) as base:
        url = f"{base}/tsa"
        with pytest.raises(SigningError) as raised:
            sign(prepared, alice, "enterprise", reason="Approved", timestamp_url=url)
    _assert_one_sentence(raised.value, url)


def test_verify_on_the_command_line_shows_the_time_once_the_authority_is_trusted(
    stamped: bytes, alice: Identity, authority: LocalAuthority, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """`verify --trust-tsa ROOT` prints the authority's time beside the signer's claim;
    without it, only the claim."""
    import main

    pdf = tmp_path / "stamped.pdf"
    pdf.write_bytes(stamped)
    signer = tmp_path / "alice.pem"
    signer.write_bytes(alice.certificate_pem)
    root = tmp_path / "root.pem"
    root.write_bytes(authority.root_pem)
    main.main(["verify", str(pdf), "--trust", str(signer)])
    assert "timestamped at" not in capsys.readouterr().out
    main.main(["verify", str(pdf), "--trust", str(signer), "--trust-tsa", str(root)])
    line = capsys.readouterr().out.splitlines()[0]
    assert f"timestamped at {TSA_CLOCK.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" in line
