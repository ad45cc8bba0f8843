"""Property test (issue #14): hostile answers to every parser that reads a server's words, and
hostile bytes to the batch reader. Only the documented exceptions may come out, in bounded
time and memory; every archive link that comes out is http(s) and passes ``safe_url``."""

from __future__ import annotations

import contextlib
import io
import json
import time
import tracemalloc
from datetime import datetime, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedres.archive import spn
from embedres.archive.wayback import closest_memento, iter_links, parse_availability, parse_cdx
from embedres.batch.jsonl import Unreadable, parsed, read_lines
from embedres.errors import ArchiveError
from embedres.export.styles import safe_url
from embedres.model import Post
from embedres.net.transport import Reply
from embedres.resolve.oembed import hydrate, parse_oembed

NEAR = datetime(2015, 11, 17, tzinfo=timezone.utc)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "20159999999999",
            "0",
            "javascript:alert(1)",
            "data:,x",
            "file:///etc",
            "http://[::1",
            "Tue, 17 Nov 2015 03:35:24 GMT",
            "Fri, 31 Dec 9999 23:59:59 -0100",
            "200",
            "memento",
        ]
    ),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=25,
)


def _nested(depth: int, opener: str) -> str:
    return opener * depth


hostile_text = st.one_of(
    json_values.map(json.dumps),
    st.text(max_size=300),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    st.integers(1, 200_000).map(lambda n: _nested(n, "[")),
    st.integers(1, 100_000).map(lambda n: _nested(n, '{"a":')),
    st.integers(1, 50_000).map(lambda n: "<" * n + ">" + ";" * n),
)


def _bounded(fn: Any, *args: Any) -> Any:
    tracemalloc.start()
    began = time.monotonic()
    try:
        return fn(*args)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert time.monotonic() - began < 5
        assert peak < 64 << 20


@SETTINGS
@given(hostile_text)
def test_cdx_and_availability(text: str) -> None:
    for parse in (parse_cdx, parse_availability):
        with contextlib.suppress(ValueError):  # documented: unreadable or blocked
            _bounded(parse, text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(hostile_text)
def test_timemap(text: str) -> None:
    found = _bounded(lambda: closest_memento(iter_links(text), NEAR, base="https://a.example/tm"))
    if found is not None:
        assert found[0].startswith(("http://", "https://")) and safe_url(found[0]) == found[0]
        assert found[1].tzinfo is not None


@SETTINGS
@given(hostile_text, st.sampled_from([200, 400, 429, 500]))
def test_spn_answers(text: str, status: int) -> None:
    reply = Reply(status, headers={"retry-after": text[:20]}, body=text.encode("utf-8", "replace"))
    # documented: RateLimited, SaveFailed, AuthenticationFailed, ArchiveUnavailable
    with contextlib.suppress(ArchiveError):
        data = _bounded(lambda: spn._json(reply, url="https://a.example/"))
        _bounded(
            lambda: spn._outcome(
                data, url="https://a.example/", job_id="j", reused=False, submitted=NEAR
            )
        )


@SETTINGS
@given(hostile_text)
def test_oembed_answers(text: str) -> None:
    post = Post("twitter", (0, 1), url="https://twitter.com/a/status/20", form="url")
    out = _bounded(hydrate, post, lambda url: text.encode("utf-8", "replace"))
    assert isinstance(out, Post)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    assert isinstance(_bounded(parse_oembed, "twitter", data), dict)


@SETTINGS
@given(
    st.lists(
        st.one_of(
            hostile_text.map(lambda t: t.encode("utf-8", "replace")), st.binary(max_size=200)
        ),
        max_size=6,
    )
)
def test_batch_reader(lines: list[bytes]) -> None:
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
    out = _bounded(lambda: list(parsed(read_lines(io.BytesIO(data), max_record=1 << 20))))
    assert [n for n, _ in out] == list(range(1, len(out) + 1))
    assert len(out) == data.count(b"\n")
    for _, rec in out:
        assert not isinstance(rec, Unreadable) or rec.error
