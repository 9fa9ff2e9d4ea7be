"""A throwaway self-signed certificate for TLS tests, made with the openssl command line.

The same way tests/integration/test_smtp_inbound.py makes its certificate, plus subjectAltNames, so that a
client that verifies (as Relay's SMTP transport does) accepts it for 127.0.0.1 and localhost.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest


def self_signed(directory: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """(cert.pem, key.pem) valid for a day for `host` and localhost; skips the test without openssl."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed to make a test certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    san = f"IP:{host}" if host.replace(".", "").isdigit() else f"DNS:{host}"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=relay.test",
            "-addext",
            f"subjectAltName={san},DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
