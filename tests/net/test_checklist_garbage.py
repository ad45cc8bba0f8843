"""Checklist rows 47-50, 54 and 55 (docs/security.md 4.4): garbage URLs, a damaged cache under
the resolver, the CLI on hostile input, and injection through post text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import REPO
from tests.support.resolvers import fake_dns, make_resolver
from tests.support.servers import ok, serve

GARBAGE = [
    "",
    " ",
    "http://",
    "http:///",
    "http://[::1",
    "http://example.com:99999/",
    "http://example.com:-1/",
    "http://example.com:8o/",
    "http://%zz/",
    "http://exa\x00mple.com/",
    "http://\ud800.example/",
    "ht!tp://example.com/",
    "\\\\evil\\share",
    "//",
    "?",
    "#",
    "http://[v1.fe]/",
    "http://[vF.addr]:80/",
    "https://",
    "http://:80/",
    "http://@/",
    "http://a b.com/",
    "https://example.com\r\nX-Injected: 1/",
    "http://[::1]x/",
]
ODD_HOSTS = [
    "http://bücher.example/",
    "http://xn--bcher-kva.example/",
    "http://xn--zz.example/",
    "http://xn--.example/",
    "http://☃.net/",
    "http://exa\u200bmple.com/",
    "http://" + "a" * 64 + ".com/",
    "http://" + ".".join(["abcdefghij"] * 26) + ".com/",
    "http://nxdomain.example/",
    "http://example.com/?" + "&".join(f"p{i}=1" for i in range(100_000)),
    "http://example.com/" + "a" * (2 << 20),
    "http://example.com/a\rb",
    "http://%41.com/",
]
ALLOWED = {"error", "blocked"}


@pytest.mark.parametrize("url", GARBAGE, ids=range(len(GARBAGE)))
def test_row_47_garbage_urls_give_a_status_with_reason(url: str) -> None:
    """Row 47: malformed URLs: ``error`` or ``blocked`` with a reason, never an exception."""
    res = make_resolver(dns=fake_dns({})).resolve(url)
    assert res.status in ALLOWED, (url, res)
    assert res.error and len(res.error) < 500, res
    assert res.url == url


@pytest.mark.parametrize("url", ODD_HOSTS, ids=range(len(ODD_HOSTS)))
def test_row_48_odd_hosts_fail_fast_with_reason(url: str) -> None:
    """Row 48: IDN, punycode, zero-width, oversize names and URLs, NXDOMAIN, CR/LF: a status
    with a reason in under 5 s; NXDOMAIN is ``error``, never ``dead``."""
    start = time.monotonic()
    res = make_resolver(dns=fake_dns({}), max_retries=0).resolve(url)
    assert time.monotonic() - start < 5
    assert res.status in ALLOWED, (url[:80], res.status, res.error)
    assert res.error and len(res.error) < 500, res.error


def test_row_49_resolve_many_keeps_length_order_and_inputs() -> None:
    """Row 49: resolve_many on the garbage keeps length, order, and ``res.url`` as given."""
    urls = GARBAGE + ODD_HOSTS[:9] + GARBAGE[:3]
    results = make_resolver(dns=fake_dns({}), max_retries=0).resolve_many(urls)
    assert len(results) == len(urls)
    assert [r.url for r in results] == urls
    assert all(r.status in ALLOWED for r in results)


@pytest.mark.parametrize("content", [b"garbage" * 100, b"SQLite format 3\x00\x10", b""])
def test_row_50_resolution_ok_over_a_damaged_cache(tmp_path: Path, content: bytes) -> None:
    """Row 50: a garbage, truncated or empty cache file: the resolution is still ``ok``."""
    cache = tmp_path / "cache.sqlite"
    cache.write_bytes(content)
    with serve({"/": ok()}) as s:
        r = make_resolver(cache=str(cache), allow_hosts=(f"127.0.0.1:{s.port}",))
        res = r.resolve(s.url("/"))
        assert res.status == "ok", res
        again = r.resolve(s.url("/"))
        assert again.status == "ok" and again.from_cache
        r.close()


class _Out:
    """What one CLI run gave: exit status and both streams as bytes."""

    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _cli(args: list[str], stdin: bytes = b"", *, subprocess_run: bool = False) -> _Out:
    """Run ``embedres ARGS`` in this process (fast), or as a real subprocess."""
    if subprocess_run:
        done = subprocess.run(
            [sys.executable, "-m", "embedres", *args],
            input=stdin,
            capture_output=True,
            timeout=120,
            env=dict(
                os.environ,
                PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
            ),
            cwd=str(REPO),
            check=False,
        )
        return _Out(done.returncode, done.stdout, done.stderr)
    import contextlib
    import io

    from embedres.cli import main

    fake_in = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    old_in, old_cwd = sys.stdin, os.getcwd()
    sys.stdin = fake_in
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        sys.stdin = old_in
        os.chdir(old_cwd)
    return _Out(code, out.getvalue().encode(), err.getvalue().encode())


CLI_CASES: list[tuple[str, list[str], bytes]] = [
    ("invalid utf-8 extract", ["extract", "-"], b"caf\xe9 #tag \xff\xfe"),
    ("invalid utf-8 cite", ["cite", "--offline", "-"], b"caf\xe9 #tag \xff\xfe"),
    ("nul bytes", ["extract", "-"], b"#a\x00@b\x00 https://t.co/x\x00"),
    ("nul bytes cite", ["cite", "--offline", "-"], b"#a\x00@b\x00 https://t.co/x\x00"),
    ("deep html", ["extract", "--html", "-"], b"<div>" * 20000 + b"#deep"),
    ("deep html cite", ["cite", "--offline", "--html", "-"], b"<blockquote>" * 5000),
    ("missing file", ["extract", "/nonexistent/x.txt"], b""),
    ("missing file cite", ["cite", "--offline", "/nonexistent/x.txt"], b""),
    ("bad format", ["cite", "--offline", "--format", "nope", "-"], b"x"),
    ("no args", [], b""),
    ("unknown command", ["frobnicate"], b""),
    ("directory", ["cite", "--offline", "."], b""),
    (
        "bad batch line",
        ["cite", "--offline", "--batch", "-"],
        b'{"id": 1, "text": "#a"}\nnot json\n',
    ),
    ("resolve garbage", ["resolve", "--offline", "http://[::1", ""], b""),
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_row_54_cli_on_hostile_input(case: tuple[str, list[str], bytes]) -> None:
    """Row 54: invalid UTF-8, NUL, deep HTML, missing file, bad --format: exit 0/1/2, no
    traceback, and JSON output (when there is any) parses."""
    _, args, stdin = case
    out = _cli(args, stdin, subprocess_run=case[0] == "invalid utf-8 cite")
    err = out.stderr.decode("utf-8", "replace")
    assert out.returncode in (0, 1, 2), (out.returncode, err[-2000:])
    assert "Traceback" not in err, err[-2000:]
    text = out.stdout.decode("utf-8")
    if out.returncode != 2 and text.strip() and "--format" not in args:
        lines = text.splitlines() if ("--batch" in args or args[:1] == ["resolve"]) else [text]
        for line in lines:
            json.loads(line)
    if out.returncode == 2:
        assert err.strip(), "a usage or input error says why"


HOSTILE_POST = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">}} {{Delete}} [[Category:Evil]] '
    "&lt;script&gt;alert(1)&lt;/script&gt; { unbalanced \\ back\\slash } }}}} |author=x</p>"
    '&mdash; Eve }} (@evil) <a href="https://twitter.com/evil/status/665620211584172032">'
    "November 14, 2015</a></blockquote>"
)


def _formats(fmt: str) -> str:
    out = _cli(
        ["cite", "--offline", "--no-hydrate", "--html", "--format", fmt, "-"], HOSTILE_POST.encode()
    )
    assert out.returncode in (0, 1), out.stderr.decode()[-2000:]
    return out.stdout.decode("utf-8")


def test_row_55_post_text_cannot_inject_through_the_cli() -> None:
    """Row 55: hostile post text through ``embedres cite``: wikitext has no live template or
    category, BibTeX braces balance, JSON parses, HTML has no live script."""
    from tests.support.invariants import bibtex_braces_balanced, wikitext_is_inert

    wiki = _formats("wikitext").strip()
    assert wiki.count("{{cite") == 1, wiki
    wikitext_is_inert(wiki)
    bib = _formats("bibtex")
    assert bibtex_braces_balanced(bib), bib
    data: Any = json.loads(_formats("json"))
    assert "}} {{Delete}}" in json.dumps(data, ensure_ascii=False)
    json.loads(_formats("csl"))
    html = _formats("html")
    assert "<script" not in html.lower(), html
