"""replace_embeds(): official embed code of six platforms becomes static, script-free HTML."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from embedres import Citation, InvalidArgument, replace_embeds
from embedres.export.static import static_blockquote
from embedres.model import Post
from tests.support.citations import build_citation
from tests.support.paths import CASES as CASES_DIR
from tests.support.paths import EMBEDS

CASES = json.loads((CASES_DIR / "cite_static.json").read_text("utf-8"))["cases"]


def _fixture(case: dict[str, Any]) -> str:
    return (EMBEDS / str(case["fixture"])).read_text("utf-8")


def _citation(case: dict[str, Any], html: str) -> Citation:
    start = html.index(case["start"])
    end = html.index("</blockquote>", start) + len("</blockquote>")
    data = {k: case[k] for k in ("snapshots",) if k in case}
    data["post"] = {**case["post"], "span": [start, end], "form": "html"}
    return build_citation(data)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["fixture"])
def test_embed_replaced_by_static_blockquote(case: dict[str, Any]) -> None:
    html = _fixture(case)
    out = replace_embeds(html, [_citation(case, html)])
    for needle in case["present"]:
        assert needle in out, needle
    for needle in case["absent"]:
        assert needle not in out, needle
    assert out.count('<blockquote class="embedres-embed"') == 1
    assert html[: html.index(case["start"])] in out  # the article before the embed is untouched
    assert replace_embeds(out, []) == out  # nothing left to replace


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["fixture"])
def test_no_third_party_resource_left(case: dict[str, Any]) -> None:
    html = _fixture(case)
    out = replace_embeds(html, [_citation(case, html)])
    loaders = re.findall(r"<(?:script|iframe|img)\b[^>]*\bsrc=\"([^\"]+)", out)
    assert all("example.org" in src for src in loaders), loaders


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["fixture"])
def test_with_detection(case: dict[str, Any]) -> None:
    """replace_embeds(html) without citations finds the embed by itself (extract() reads HTML)."""
    html = _fixture(case)
    out = replace_embeds(html)
    for needle in case["absent"]:
        assert needle not in out, needle
    assert '<blockquote class="embedres-embed"' in out


def test_post_text_is_escaped_and_urls_must_be_http() -> None:
    post = Post(
        "twitter",
        (0, 5),
        text='<script>alert(1)</script>\n"x"',
        author_name="<b>Eve</b>",
        url="javascript:alert(1)",
        published_text="<i>today</i>",
        form="html",
    )
    out = replace_embeds("<div>x</div>", [Citation(post=post)])
    assert "<script" not in out and "javascript:" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>&quot;x&quot;" in out
    assert "&lt;i&gt;today&lt;/i&gt;" in out and out.endswith("</blockquote>x</div>")


def test_overlapping_and_text_posts_are_skipped() -> None:
    html = "<p>a</p><blockquote>one</blockquote><p>b</p>"
    s = html.index("<blockquote>")
    e = html.index("</blockquote>") + len("</blockquote>")
    outer = Citation(post=Post("twitter", (s, e), text="one", form="html"))
    inner = Citation(post=Post("twitter", (s + 3, e - 3), text="inner", form="html"))
    flat = Citation(post=Post("twitter", (0, 3), text="flat", form="text"))
    out = replace_embeds(html, [inner, flat, outer])
    assert out.startswith("<p>a</p><blockquote") and out.endswith("<p>b</p>")
    assert out.count("embedres-embed") == 1 and "inner" not in out


def test_custom_renderer() -> None:
    html = "<p>a</p><blockquote>one</blockquote>"
    c = Citation(post=Post("bluesky", (8, len(html)), text="one", form="html"))
    assert replace_embeds(html, [c], render=lambda c: f"[{c.text}]") == "<p>a</p>[one]"


@pytest.mark.parametrize("span", [(5, 2), (0, 10_000), (-1, 3)])
def test_bad_span_is_an_error(span: tuple[int, int]) -> None:
    c = Citation(post=Post("twitter", span, form="html"))
    with pytest.raises(InvalidArgument, match="span"):
        replace_embeds("<p>short</p>", [c])


def test_rejects_non_str() -> None:
    with pytest.raises(InvalidArgument):
        replace_embeds(b"<p>x</p>", [])  # type: ignore[arg-type]


def test_widget_regex_is_linear_on_hostile_markup() -> None:
    hostile = "<script " * 20_000 + "<div id=fb-root " * 20_000
    assert replace_embeds(hostile, []) == hostile


def test_blockquote_without_url_shows_date_text() -> None:
    c = Citation(post=Post("twitter", (0, 1), text="hi", published_text="17 Novembre 2015"))
    assert "· 17 Novembre 2015</footer>" in static_blockquote(c)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120), st.text(max_size=120), st.text(max_size=120))
def test_only_the_embed_changes(before: str, after: str, body: str) -> None:
    """Any text around an embed is kept as is; any post text comes out escaped."""
    assume("<script" not in (before + after).lower() and "fb-root" not in before + after)
    embed = '<blockquote class="twitter-tweet"><p>x</p></blockquote>'
    html = before + embed + after
    span = (len(before), len(before) + len(embed))
    c = Citation(post=Post("twitter", span, text=body, author_name=body, form="html"))
    out = replace_embeds(html, [c])
    assert out.startswith(before) and out.endswith(after)
    middle = out[len(before) : len(out) - len(after)]
    assert middle.startswith('<blockquote class="embedres-embed"')
    assert "<script" not in middle.lower() and middle.count("<blockquote") == 1
