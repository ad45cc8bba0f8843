"""Fuzz target: the redirect, meta-refresh, JS-redirect and canonical-URL parsers.

Every parser must return its documented type for any bytes a server may send, in bounded time
(libFuzzer's ``-timeout`` catches super-linear cases), and never raise.
"""

from __future__ import annotations

from _common import instrumented, main, text_of

with instrumented():
    from embedres.net import redirects as r

_CTYPES = (
    "text/html",
    "text/html; charset=utf-8",
    "text/html; charset=latin-1",
    "",
    "x/y; charset=",
)


def _opt_str(value: object, what: str) -> None:
    if value is not None and not isinstance(value, str):
        raise AssertionError(f"{what} returned {type(value).__name__}")


def fuzz_one(data: bytes) -> None:
    """Run every parser of embedres.net.redirects on one page body (and header values)."""
    ctype = _CTYPES[data[0] % len(_CTYPES)] if data else ""
    text = r.decode_html(data[1:], ctype)
    if not isinstance(text, str):
        raise AssertionError("decode_html did not return str")
    _opt_str(r.find_meta_refresh(text), "find_meta_refresh")
    _opt_str(r.find_js_redirect(text), "find_js_redirect")
    header = text_of(data[1:512])
    _opt_str(r.parse_refresh(header), "parse_refresh")
    _opt_str(r.find_canonical(text, header), "find_canonical")
    links = r.parse_link_header(header)
    if not isinstance(links, list) or not all(
        isinstance(u, str) and isinstance(p, dict) for u, p in links
    ):
        raise AssertionError("parse_link_header returned a bad shape")
    for url in (
        "https://lnkd.in/abc",
        "https://bit.ly/a",
        "https://tinyurl.com/x",
        "https://t.co/x",
    ):
        found = r.interstitial(url, text)
        if found is not None and not (
            isinstance(found, tuple) and len(found) == 2 and all(isinstance(x, str) for x in found)
        ):
            raise AssertionError(f"interstitial returned {found!r}")


if __name__ == "__main__":
    main(fuzz_one)
