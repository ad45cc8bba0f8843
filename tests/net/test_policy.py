"""The address policy, table-driven from tests/cases/policy.json, plus its invariants."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedres.errors import InvalidArgument
from embedres.net.policy import AddressPolicy, classify_address, parse_ip_literal
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "policy.json").read_text("utf-8"))


def _policy(options: dict[str, Any]) -> AddressPolicy:
    ports = options.get("allow_ports")
    return AddressPolicy(
        allow_private=options.get("allow_private", False),
        allow_hosts=tuple(options.get("allow_hosts", ())),
        **({"allow_ports": frozenset(ports)} if ports else {}),
    )


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_policy_case(case: dict[str, Any]) -> None:
    policy = _policy(case["policy"])
    if case["kind"] == "url":
        why = policy.url_refusal(case["input"])
    else:
        inp = case["input"]
        why = policy.address_refusal(inp["host"], inp["port"], inp["address"])
    if case["expected"] == "allow":
        assert why is None, why
    else:
        assert why is not None
        assert case.get("reason", "") in why


def test_table_covers_every_category() -> None:
    reasons = " ".join(c.get("reason", "") for c in CASES)
    for word in (
        "loopback",
        "private",
        "link-local",
        "CGNAT",
        "multicast",
        "reserved",
        "unspecified",
        "NAT64",
        "6to4",
        "Teredo",
        "non-canonical",
        "scheme",
    ):
        assert word in reasons, word


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("127.000.000.001", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("0", "0.0.0.0"),
    ],
)
def test_numeric_spellings_decode_like_inet_aton(spelling: str, address: str) -> None:
    ip, canonical = parse_ip_literal(spelling)
    assert str(ip) == address and not canonical


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_dword_spelling_is_refused(n: int) -> None:
    policy = AddressPolicy(allow_private=True)
    for spelling in (str(n), hex(n), "0" + oct(n)[2:]):
        why = policy.url_refusal(f"http://{spelling}/")
        assert why is not None and "non-canonical" in why


@given(st.ip_addresses(v=4))
def test_mapped_addresses_classify_like_ipv4(ip: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    assert classify_address(mapped) == classify_address(ip)


@given(st.ip_addresses())
def test_non_global_addresses_are_never_allowed_by_default(ip: Any) -> None:
    why = AddressPolicy().address_refusal("h.example", 80, str(ip))
    if not ip.is_global or ip.is_multicast:
        assert why is not None


def test_policy_is_immutable_and_replace_copies() -> None:
    strict = AddressPolicy()
    with pytest.raises(AttributeError):
        strict.allow_private = True  # type: ignore[misc]
    loose = strict.replace(allow_private=True)
    assert loose.allow_private and not strict.allow_private
    assert strict.fingerprint == "strict" and loose.fingerprint != strict.fingerprint


@pytest.mark.parametrize(
    "kwargs",
    [
        {"allow_hosts": "127.0.0.1"},
        {"allow_hosts": ("",)},
        {"allow_hosts": ("a/b",)},
        {"allow_hosts": ("u@h",)},
        {"allow_hosts": ("h:99999",)},
        {"allow_ports": (0,)},
        {"allow_private": "yes"},
        {"allow_hosts": (3,)},
    ],
)
def test_bad_options_raise_invalid_argument(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        AddressPolicy(**kwargs)
