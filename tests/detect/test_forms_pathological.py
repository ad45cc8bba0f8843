"""Issue #12 forms stay linear: pathological inputs for the Markdown, shortcode, wrapper and
flattened-text patterns, all run by ``extract()`` in one child process with a timeout (a
thread cannot interrupt a running ``re`` match)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.child import run_child

INPUTS: dict[str, str] = {
    "hugo openers": "'{{< ' * 50_000",
    "hugo unclosed args": "'{{< tweet ' + 'a=\"b\" ' * 50_000",
    "liquid openers": "'{% ' * 50_000",
    "embed openers": "'[embed]' * 30_000",
    "wordpress tweet openers": "'[tweet ' * 30_000",
    "jsx openers": "'<Tweet ' * 30_000",
    "jsx with html": "'<p>' + '<Tweet id=' * 30_000",
    "backticks": "'`' * 100_000",
    "backtick words": "'` a ' * 50_000",
    "tilde fences": "'~~~\\n' * 50_000",
    "unclosed long fences": "'````\\n```\\n~~~\\n' * 30_000",
    "comment openers": "'<!--' * 50_000",
    "short comments": "'<!-- -->' * 50_000",
    "liquid raw openers": "'{% raw %}' * 30_000",
    "indented lines": "'\\n    x' * 50_000",
    "blank indented lines": "'\\n    \\n' * 50_000",
    "tiktok handles": "'[@ab](c) ' * 30_000 + '[♬'",
    "tiktok captions": "'[@ab](c) ' + 'x [y](z) ' * 30_000 + '[♬'",
    "markdown handle anchors": "'([@ab](c)) ' * 30_000",
    "dash name paren": "'— a (' * 30_000",
    "handles without dates": "'x (@ab) ' * 30_000",
    "no-dash names": "'Name Name (@ab) March 3, 2019  ' * 10_000",
    "wrapped date labels": "'— A (@ab) [March 9,\\n> ' * 20_000",
    "open labels": "'(@ab) [' * 30_000",
    "instagram openers": "'[A post shared by a\\n> ' * 20_000",
    "threads openers": "'[Post by @a' * 20_000 + 'View on Threads'",
    "facebook markdown": "'Posted by [a](b) on ' * 20_000",
    "deleted placeholders": "'This Tweet was deleted ' * 20_000",
    "rendered widget heads": "'Name\\n@handle\\n' * 30_000 + '3:05 PM - Apr 1, 2018'",
    "rendered widget bodies": "'Name\\n@handle\\n' + 'x - M - \\n' * 50_000",
    "wrapper divs": "'<div class=\"iframely-embed\">' * 20_000",
    "placeholder attributes": "'<div data-embedded-url=\"x\">' * 20_000",
    "hashtag links": "'<blockquote class=\"twitter-tweet\">' + "
    "'<a href=\"/hashtag/a\">#a' * 20_000",
    # Each raw HTML embed in Markdown was checked against every code span (15 s here).
    "code spans and raw embeds": "'[a](https://b.org)\\n' + '`x` ' * 100_000 + "
    '\'<blockquote class="twitter-tweet"><a href="https://twitter.com/a/status/20">x</a>'
    "</blockquote>\\n' * 3_000",
}

_CHILD = r"""
import json, sys, time
from embedres import extract
cases = json.loads(sys.stdin.read())
extract("warm up #a @b")
out = {}
for name, expr in cases.items():
    text = eval(expr)
    t = time.process_time()
    x = extract(text)
    out[name] = {"seconds": time.process_time() - t, "chars": len(text), "posts": len(x.posts)}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def timings() -> dict[str, Any]:
    return run_child(_CHILD, json.dumps(INPUTS))


@pytest.mark.parametrize("name", list(INPUTS))
def test_pathological_form_input_is_fast(name: str, timings: dict[str, Any]) -> None:
    got = timings[name]
    assert got["seconds"] < 5.0, f"{name}: {got['seconds']:.2f} s for {got['chars']} chars"
