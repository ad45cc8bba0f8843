"""Pinterest, the platform added as one module plus a registry line (issue #10)."""

from __future__ import annotations

import pytest

from embedres import Citation, extract, post_time, replace_embeds
from embedres.detect.urls import classify_link, strip_tracking
from embedres.platforms.posturls import parse_post_url
from embedres.platforms.registry import platform_named
from embedres.resolve.oembed import endpoint_for
from tests.support.posts import source_of

WIDGET = (
    '<p>Before.</p><a data-pin-do="embedPin" href="https://www.pinterest.com/pin/99360735500167749/">'
    '</a>\n<script async defer src="//assets.pinterest.com/js/pinit.js"></script><p>After.</p>'
)


def test_widget_is_a_post_and_its_script_is_in_the_span() -> None:
    (post,) = extract(WIDGET).posts
    assert (post.platform, post.form, post.post_id) == ("pinterest", "html", "99360735500167749")
    assert post.url == "https://www.pinterest.com/pin/99360735500167749/"
    assert WIDGET[post.span[0] : post.span[1]].startswith('<a data-pin-do="embedPin"')
    assert WIDGET[post.span[0] : post.span[1]].endswith('pinit.js"></script>')


@pytest.mark.parametrize(
    "html",
    [
        '<a data-pin-do="embedBoard" href="https://www.pinterest.com/pinterest/official-news/"></a>',
        '<a data-pin-do="buttonPin" href="https://www.pinterest.com/pin/create/button/"></a>',
        '<a href="https://www.pinterest.com/pin/99360735500167749/">a pin in a sentence</a> here',
        '<a data-pin-do="embedPin" href="https://example.com/pin/1/"></a>',
        '<iframe src="https://assets.pinterest.com/ext/embed.html?id=abc"></iframe>',
    ],
)
def test_not_pin_embeds(html: str) -> None:
    assert [p for p in extract(html).posts if p.form == "html"] == []


def test_pin_it_is_a_short_link_and_pins_are_post_links() -> None:
    result = extract("Saved it: https://pin.it/4Xyzab and https://pinterest.fr/pin/123456/ today")
    kinds = {link.url: (link.kind, link.platform) for link in result.links}
    assert kinds["https://pin.it/4Xyzab"] == ("short", None)
    assert kinds["https://pinterest.fr/pin/123456/"] == ("post", "pinterest")
    assert classify_link("pin.it/abc").kind == "short"
    assert parse_post_url("https://pin.it/4Xyzab") is None


def test_every_country_form_gives_one_canonical_url() -> None:
    urls = [
        "https://www.pinterest.com/pin/42/",
        "https://pinterest.com/pin/42",
        "https://fr.pinterest.com/pin/42/",
        "https://www.pinterest.co.uk/pin/a-slug--42/",
        "https://www.pinterest.com.mx/pin/42/?invite_code=x",
        "//assets.pinterest.com/ext/embed.html?id=42",
    ]
    refs = {parse_post_url(u) for u in urls}
    assert len(refs) == 1
    (ref,) = refs
    assert ref is not None and (ref.platform, ref.post_id) == ("pinterest", "42")
    assert ref.canonical_url == "https://www.pinterest.com/pin/42/"


def test_static_export_drops_the_widget_script() -> None:
    out = replace_embeds(WIDGET)
    assert "assets.pinterest.com" not in out and "data-pin-do" not in out
    assert 'data-platform="pinterest"' in out
    assert "https://www.pinterest.com/pin/99360735500167749/" in out
    assert out.startswith("<p>Before.</p>") and out.endswith("<p>After.</p>")


def test_citation_label_and_facts() -> None:
    (post,) = extract(WIDGET).posts
    c = Citation(post=post)
    assert (c.platform, c.platform_label, c.genre) == ("pinterest", "Pinterest", "Post")
    assert endpoint_for("pinterest", post.url or "") is None  # no documented free oEmbed
    assert post_time("pinterest", post.post_id) is None  # pin ids carry no time
    plat = platform_named("pinterest")
    assert plat is not None and plat.short_hosts == frozenset({"pin.it"})
    assert strip_tracking("https://pin.it/x?utm_source=a") == "https://pin.it/x"


def test_fixture_holds_four_pins() -> None:
    source = source_of({"fixture": "pinterest.html"})
    posts = extract(source).posts
    assert [(p.form, p.post_id) for p in posts] == [
        ("html", "99360735500167749"),
        ("html", "1055599905263789"),
        ("html", "1103874608960000000"),
        ("url", "24206916739421893"),
    ]
    assert "pin.it/4Xyzab" in {link.url.split("//")[-1] for link in extract(source).links}
