"""Edge spellings of the address policy that the table in cases/policy.json does not reach."""

from __future__ import annotations

import pytest

from embedres.net.policy import AddressPolicy


@pytest.mark.parametrize(
    "url",
    [
        "http://08/",  # octal-looking with a digit octal has not
        "http://0x/",  # a hex prefix with no digits
        "http://09.1.1.1/",
    ],
)
def test_unparseable_numeric_hosts_are_refused_as_0_0_0_0(url: str) -> None:
    why = AddressPolicy().url_refusal(url)
    assert why is not None and "non-canonical IP address spelling" in why and "0.0.0.0" in why


@pytest.mark.parametrize("url", ["http://a b/", "http://ex\\ample.com/", "http://a\x01b.com/"])
def test_hosts_with_spaces_or_backslashes_are_malformed(url: str) -> None:
    assert AddressPolicy().url_refusal(url) == "malformed host"


def test_a_url_that_is_not_a_string_is_refused() -> None:
    assert AddressPolicy().url_refusal(12) == "URL is not a string"  # type: ignore[arg-type]


@pytest.mark.parametrize("host", ["a" * 64 + ".com", ".".join(["abcdefgh"] * 30)])
def test_overlong_host_names_are_refused(host: str) -> None:
    assert AddressPolicy().url_refusal(f"http://{host}/") == "host name too long"
