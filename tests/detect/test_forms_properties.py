"""Property tests for the issue #12 forms: any mix of Markdown, shortcode, wrapper and
attribution pieces keeps extract()'s invariants, in every markup mode."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import embedres
from tests.support.invariants import check_extraction

_PIECES = [
    "> ",
    ">\n",
    "\n",
    "\n\n",
    "    ",
    "`",
    "```\n",
    "[",
    "](",
    ")",
    "(",
    "]",
    "[@a](https://bsky.app/profile/a.bsky.social)",
    "(@MayorJaneDoe)",
    "(@kankyo\\_jpn)",
    "— Jane ",
    "-- Jane ",
    "—ジェーン ",
    "  Jane Doe ",
    "[March 9,\n> 2019](https://twitter.com/a/status/1104412345678901248)",
    "March 9, 2019",
    "2019年5月7日",
    "[A post shared by N\n> (@n)](https://www.instagram.com/p/B1a2C3d4E5f/)",
    "[ View on Threads](https://www.threads.net/@a/post/C4xYz12AbCd)",
    "[@ab](https://www.tiktok.com/@ab) cap [♬ s](https://www.tiktok.com/music/x)",
    "Posted by [N](https://www.facebook.com/n) on [Tuesday, March 5, 2019]"
    "(https://www.facebook.com/n/posts/1234567890123456)",
    "Publié par N sur lundi 30 novembre 2015",
    "This Tweet was deleted by the Tweet author.",
    '{{< tweet user="a" id="1104412345678901248" >}}',
    "{{< youtube dQw4w9WgXcQ >}}",
    "{% twitter https://twitter.com/a/status/1104412345678901248 %}",
    "[embed]https://twitter.com/a/status/1104412345678901248[/embed]",
    "[tweet 1104412345678901248]",
    '<Tweet id="1104412345678901248" />',
    '<div class="iframely-embed"><a href="https://twitter.com/a/status/20"></a></div>',
    '<div data-embedded-url="https://twitter.com/a/status/20">',
    '<figure class="wp-block-embed"><div>',
    "https://twitter.com/a/status/20",
    "</div></figure>",
    '<div class="twitter-tweet-rendered"><iframe data-tweet-id="20"></iframe></div>',
    '<iframe src="https://www.facebook.com/plugins/like.php?href=x"></iframe>',
    '<a href="https://twitter.com/hashtag/mac">#mac</a>',
    "&#35;bikes",
    "#&#x30B3;&#x30FC;",
    "#コーヒー",
    '<blockquote class="twitter-tweet"><p>',
    "</p>",
    "&mdash; J (@j) ",
    "</blockquote>",
    "#tag",
    "word",
]

_SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40).map("".join))
def test_form_soup_keeps_invariants_in_every_mode(text: str) -> None:
    for markup in (None, "markdown", "html", "text"):
        x = embedres.extract(text, markup=markup)
        check_extraction(text, x)
        if markup is not None:
            assert x.is_html is (markup == "html")
