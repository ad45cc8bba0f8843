"""HTTPS through the guarded connection: the socket goes to the checked address while SNI,
certificate checks and Host use the name. Certificates are made here (``cryptography``)."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from embedres.net.client import FetchError, HttpClient
from embedres.net.policy import AddressPolicy
from embedres.resolve.resolver import Resolver
from tests.support.servers import LoopbackServer, html, redirect

NameOID = x509.oid.NameOID


def _cert(subject: str, issuer_key: Any, key: Any, issuer: str, ca: bool) -> Any:
    from cryptography.hazmat.primitives import hashes

    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ssl.SSLContext]]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    d = tmp_path_factory.mktemp("pki")
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca = _cert("embedres test CA", ca_key, ca_key, "embedres test CA", True)
    leaf = _cert("farm.test", ca_key, leaf_key, "embedres test CA", False)
    pem = serialization.Encoding.PEM
    (d / "ca.pem").write_bytes(ca.public_bytes(pem))
    (d / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (d / "key.pem").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(d / "leaf.pem", d / "key.pem")
    yield d / "ca.pem", ctx


def test_https_connects_to_the_checked_address_with_sni_of_the_name(
    pki: tuple[Path, ssl.SSLContext],
) -> None:
    ca, server_ctx = pki
    names: list[str | None] = []
    server_ctx.sni_callback = lambda sock, name, ctx: names.append(name)
    with LoopbackServer({"/": html(b"<p>tls</p>")}, tls=server_ctx) as srv:
        c = HttpClient(
            policy=AddressPolicy(allow_hosts=(f"farm.test:{srv.port}",)),
            resolver=lambda h, p: ["127.0.0.1"],
            ca_bundle=str(ca),
        )
        resp = c.request("GET", f"https://farm.test:{srv.port}/")
    assert resp.status == 200 and resp.body == b"<p>tls</p>" and resp.peer == "127.0.0.1"
    assert names == ["farm.test"]
    assert srv.requests[0].headers["host"] == f"farm.test:{srv.port}"


def test_untrusted_certificate_is_an_error(pki: tuple[Path, ssl.SSLContext]) -> None:
    _, server_ctx = pki
    with LoopbackServer({"/": html(b"x")}, tls=server_ctx) as srv:
        c = HttpClient(
            policy=AddressPolicy(allow_hosts=(f"farm.test:{srv.port}",)),
            resolver=lambda h, p: ["127.0.0.1"],
        )
        with pytest.raises(FetchError, match="TLS"):
            c.request("GET", f"https://farm.test:{srv.port}/")


def test_resolver_over_https_and_tls_to_a_plain_port(pki: tuple[Path, ssl.SSLContext]) -> None:
    ca, server_ctx = pki
    with LoopbackServer({"/a": redirect("/b", 301), "/b": html(b"x")}, tls=server_ctx) as srv:
        r = Resolver(
            cache=None,
            allow_hosts=(f"farm.test:{srv.port}",),
            ca_bundle=str(ca),
            name_resolver=lambda h, p: ["127.0.0.1"],
        )
        res = r.resolve(f"https://farm.test:{srv.port}/a")
    assert res.status == "ok" and res.final_url == f"https://farm.test:{srv.port}/b"
    with LoopbackServer({"/": html(b"plain")}) as plain:
        r = Resolver(cache=None, allow_hosts=(f"127.0.0.1:{plain.port}",), timeout=3)
        assert r.resolve(f"https://127.0.0.1:{plain.port}/").status in ("error", "timeout")
