"""Issue #12 forms, one regression test each: Markdown, shortcodes, rendered widgets, embed
services, lossy flattening, the false positives that must stay away, hashtags in posts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from embedres import extract
from embedres.errors import InvalidArgument
from tests.support.forms import CONVERTED, PAGES

TW = "1104412345678901248"
STATUS = f"https://twitter.com/MayorJaneDoe/status/{TW}"

MD_TWEET = (
    "Prose before.\n\n"
    "> Huge win tonight. #bikes [pic.twitter.com/Ab12Cd34Ef](https://t.co/Ab12Cd34Ef)\n"
    ">\n"
    "> -- Mayor Jane Doe (@MayorJaneDoe) [March 9,\n"
    f"> 2019]({STATUS}?ref_src=twsrc%5Etfw)\n\n"
    "Prose after."
)


def _one(text: str, **kw: Any) -> Any:
    posts = extract(text, **kw).posts
    assert len(posts) == 1, posts
    return posts[0]


def test_markdown_blockquote_with_wrapped_date_link() -> None:
    post = _one(MD_TWEET)
    start, end = post.span
    assert MD_TWEET[start:end].startswith("> Huge win tonight.")
    assert MD_TWEET[start:end].endswith("ref_src=twsrc%5Etfw)")
    assert (post.post_id, post.author_handle, post.author_name) == (
        TW,
        "MayorJaneDoe",
        "Mayor Jane Doe",
    )
    assert post.url == STATUS and str(post.published) == "2019-03-09"
    assert post.published_text == "March 9, 2019"
    assert post.text.startswith("Huge win tonight. #bikes")
    assert [h.text for h in post.hashtags] == ["bikes"]
    assert [MD_TWEET[h.span[0] : h.span[1]] for h in post.hashtags] == ["#bikes"]


def test_markdown_is_sniffed_and_can_be_forced() -> None:
    assert extract(MD_TWEET).posts == extract(MD_TWEET, markup="markdown").posts
    assert not extract(MD_TWEET, markup="markdown").is_html
    with pytest.raises(InvalidArgument, match="markup"):
        extract(MD_TWEET, markup="rst")
    with pytest.raises(InvalidArgument, match="contradicts"):
        extract(MD_TWEET, html=True, markup="markdown")
    assert extract("<p>x</p>", html=True, markup="html").is_html


def test_markdown_mixed_with_raw_html_yields_both() -> None:
    raw = (
        '<blockquote class="twitter-tweet"><p lang="en">Second reading. #VisionZero</p>'
        "&mdash; Minister (@transportmin) "
        '<a href="https://twitter.com/transportmin/status/1186275104478474241">'
        "October 21, 2019</a></blockquote>"
    )
    text = MD_TWEET + "\n\n" + raw + "\n\n{{< youtube dQw4w9WgXcQ >}}\n"
    posts = extract(text).posts
    assert [(p.platform, p.post_id, p.form) for p in posts] == [
        ("twitter", TW, "text"),
        ("twitter", "1186275104478474241", "html"),
        ("youtube", "dQw4w9WgXcQ", "url"),
    ]
    html_post = posts[1]
    assert text[html_post.span[0] : html_post.span[1]] == raw
    assert [h.text for h in html_post.hashtags] == ["VisionZero"]
    assert text[html_post.hashtags[0].span[0] : html_post.hashtags[0].span[1]] == "#VisionZero"


def test_wordpress_html_with_shortcodes_stays_html() -> None:
    """WordPress stores HTML with shortcodes in it: still HTML (entities from visible text)."""
    text = (
        f"<p>Look:</p>\n<p>[embed]{STATUS}[/embed]</p>"
        '<p><a href="https://example.org/#notatag">#real</a></p>'
    )
    x = extract(text)
    assert x.is_html
    assert [(p.post_id, p.form) for p in x.posts] == [(TW, "url")]
    assert [h.text for h in x.hashtags] == ["real"]


MARKDOWN_FORMS = {
    "instagram": (
        "> [A post shared by Corner Cycles\n> (@cornercycles)](https://www.instagram.com/p/"
        "B1a2C3d4E5f/?utm_source=ig_embed) on Mar 9, 2019 at 10:15am PST",
        {"platform": "instagram", "post_id": "B1a2C3d4E5f", "author_handle": "cornercycles"},
    ),
    "threads turndown": (
        "> [ View on Threads](https://www.threads.net/@transportmin/post/C4xYz12AbCd)",
        {"platform": "threads", "post_id": "C4xYz12AbCd", "author_handle": "transportmin"},
    ),
    "threads html2text": (
        "> [Post by @transportminView on\n> Threads](https://www.threads.net/@transportmin/post/"
        "C4xYz12AbCd)",
        {"platform": "threads", "post_id": "C4xYz12AbCd"},
    ),
    "mastodon html2text": (
        "> [Post by @a@mastodon.socialView on\n> Mastodon](https://mastodon.social/@a/"
        "111222333444555666)",
        {"platform": "mastodon", "post_id": "111222333444555666"},
    ),
    "tiktok": (
        '> [@citycycling](https://www.tiktok.com/@citycycling?refer=embed\n> "@citycycling") '
        "Council night\n> [#bikes](https://www.tiktok.com/tag/bikes) [♬ original\n> sound - "
        "City](https://www.tiktok.com/music/original-sound-7012345678901234568)",
        {"platform": "tiktok", "author_handle": "citycycling", "text": "Council night #bikes"},
    ),
    "bluesky": (
        "> A model for other cities.\n>\n> -- Cycling Federation\n> ([@cyclingfed.bsky.social]"
        "(https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx))\n> [November 25, 2024 at "
        "3:49\n> PM](https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3lbruqxjnjn2n)",
        {
            "platform": "bluesky",
            "post_id": "3lbruqxjnjn2n",
            "author_handle": "cyclingfed.bsky.social",
            "author_name": "Cycling Federation",
            "published_text": "November 25, 2024 at 3:49 PM",
            "text": "A model for other cities.",
        },
    ),
    "facebook": (
        "> We will keep asking.\n>\n> Posted by [City Opposition](https://www.facebook.com/"
        "cityopposition) on\n> [Tuesday, March 5,\n> 2019](https://www.facebook.com/"
        "cityopposition/posts/1234567890123456)",
        {"platform": "facebook", "post_id": "1234567890123456", "author_name": "City Opposition"},
    ),
    "deleted tweet": (
        "> This Tweet was deleted by the Tweet author. [Learn more](https://help.twitter.com/"
        "rules)\n>\n> — Old (@oldaccount) [May 2,\n> 2018](https://twitter.com/oldaccount/"
        "status/991733284657287168)",
        {"platform": "twitter", "post_id": "991733284657287168", "text": None},
    ),
    "escaped underscore in handle": (
        "> 準備\n>\n> — 環境省 (@kankyo\\_jpn) [2019年5月7日](https://x.com/kankyo_jpn/status/"
        "1125671352108032000)",
        {"platform": "twitter", "author_handle": "kankyo_jpn", "post_id": "1125671352108032000"},
    ),
    "facebook french unlinked date": (
        "> Retour sur la journée.\n>\n> Publié par [Mairie de Paris](https://www.facebook.com/"
        "mairie.paris) sur\n> lundi 30 novembre 2015",
        {"platform": "facebook", "author_name": "Mairie de Paris", "lang": "fr"},
    ),
    "threads fused by a text extractor": (
        "Le fil :\nPost by @ministere.climatView on Threads\nFin.",
        {"platform": "threads", "author_handle": "ministere.climat"},
    ),
    "mastodon fused by a text extractor": (
        "Post by @researcher@mastodon.socialView on Mastodon",
        {"platform": "mastodon", "author_handle": "researcher@mastodon.social"},
    ),
    "deleted tweet alone": (
        "Earlier:\n\nThis Tweet was deleted by the Tweet author.\n\nLater.",
        {"platform": "twitter", "post_id": None, "author_handle": None},
    ),
}


@pytest.mark.parametrize("name", list(MARKDOWN_FORMS))
def test_markdown_forms(name: str) -> None:
    text, want = MARKDOWN_FORMS[name]
    post = _one(text)
    for key, value in want.items():
        assert getattr(post, key) == value, key
    assert 0 <= post.span[0] < post.span[1] <= len(text)


SHORTCODES = {
    "hugo tweet": ('{{< tweet user="MayorJaneDoe" id="' + TW + '" >}}', "twitter", TW),
    "hugo tweet id only": ("{{< tweet 1186275104478474240 >}}", "twitter", "1186275104478474240"),
    "hugo x": ('{{< x user="a" id="' + TW + '" >}}', "twitter", TW),
    "hugo percent": ('{{% tweet user="a" id="' + TW + '" %}}', "twitter", TW),
    "hugo instagram": ("{{< instagram B1a2C3d4E5f >}}", "instagram", "B1a2C3d4E5f"),
    "hugo youtube": ('{{< youtube id="dQw4w9WgXcQ" >}}', "youtube", "dQw4w9WgXcQ"),
    "jekyll": ("{% twitter " + STATUS + " %}", "twitter", TW),
    "jekyll instagram": (
        "{% instagram https://www.instagram.com/p/B1a2C3d4E5f/ %}",
        "instagram",
        "B1a2C3d4E5f",
    ),
    "wordpress embed": ("[embed]" + STATUS + "[/embed]", "twitter", TW),
    "wordpress tweet url": ("[tweet " + STATUS + ' align="center"]', "twitter", TW),
    "wordpress tweet id": ("[tweet " + TW + "]", "twitter", TW),
    "mdx tweet": ('<Tweet id="' + TW + '" />', "twitter", TW),
    "mdx braces": ('<TwitterTweetEmbed tweetId={"' + TW + '"} />', "twitter", TW),
    "mdx youtube": ('<YouTube videoId="dQw4w9WgXcQ" />', "youtube", "dQw4w9WgXcQ"),
}


@pytest.mark.parametrize("name", list(SHORTCODES))
def test_shortcodes(name: str) -> None:
    code, platform, post_id = SHORTCODES[name]
    text = f"Intro.\n\n{code}\n\nOutro."
    post = _one(text)
    assert (post.platform, post.post_id, post.form) == (platform, post_id, "url")
    assert text[post.span[0] : post.span[1]] == code


@pytest.mark.parametrize(
    "text",
    [
        '```\n{{< tweet user="a" id="20" >}}\n```',
        'Inline `{{< tweet user="a" id="20" >}}` is documentation.',
        'Indented:\n\n    {{< tweet user="a" id="20" >}}\n\nText.',
        "A [tweet link](https://example.org) is a Markdown link.",
        '{{< tweet user="a" id="not-an-id" >}} {{< figure src="x.png" >}}',
        '<Tweet /> and <Tweet id="abc" />',
    ],
)
def test_shortcode_negatives(text: str) -> None:
    assert extract(text).posts == []


RENDERED = {
    "twitter rendered div": (
        '<div class="twitter-tweet twitter-tweet-rendered"><iframe id="twitter-widget-0" '
        'src="https://platform.twitter.com/embed/Tweet.html?id='
        + TW
        + '" data-tweet-id="'
        + TW
        + '"></iframe></div>',
        "twitter",
        TW,
    ),
    "twitter iframe src only": (
        '<iframe src="https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;id='
        + TW
        + '"></iframe>',
        "twitter",
        TW,
    ),
    "instagram": (
        '<iframe src="https://www.instagram.com/p/B1a2C3d4E5f/embed/captioned/"></iframe>',
        "instagram",
        "B1a2C3d4E5f",
    ),
    "tiktok": (
        '<iframe src="https://www.tiktok.com/embed/v2/7012345678901234567?lang=en"></iframe>',
        "tiktok",
        "7012345678901234567",
    ),
    "bluesky": (
        '<iframe src="https://embed.bsky.app/embed/did:plc:abcdefghijklmnopqrstuvwx/'
        'app.bsky.feed.post/3lbruqxjnjn2n?id=1"></iframe>',
        "bluesky",
        "3lbruqxjnjn2n",
    ),
    "facebook post plugin": (
        '<iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2F'
        'www.facebook.com%2Fcity%2Fposts%2F1234567890123456"></iframe>',
        "facebook",
        "1234567890123456",
    ),
    "youtube": (
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
        "youtube",
        "dQw4w9WgXcQ",
    ),
    "iframely link": (
        '<div class="iframely-embed"><div class="iframely-responsive"><a href="'
        + STATUS
        + '" data-iframely-url="//cdn.iframe.ly/x"></a></div></div>',
        "twitter",
        TW,
    ),
    "iframely iframe": (
        '<iframe src="https://cdn.iframe.ly/api/iframe?url=https%3A%2F%2Fwww.instagram.com'
        '%2Fp%2FB1a2C3d4E5f%2F&amp;key=k"></iframe>',
        "instagram",
        "B1a2C3d4E5f",
    ),
    "embedly card": ('<a class="embedly-card" href="' + STATUS + '">Card</a>', "twitter", TW),
    "wp-block-embed": (
        '<figure class="wp-block-embed is-provider-twitter"><div class="wp-block-embed__wrapper">'
        "\n" + STATUS + "\n</div></figure>",
        "twitter",
        TW,
    ),
    "oembed data attribute": (
        '<figure class="media"><div data-oembed-url="https://youtu.be/dQw4w9WgXcQ"></div></figure>',
        "youtube",
        "dQw4w9WgXcQ",
    ),
    "oembed element": (
        '<figure class="media"><oembed url="' + STATUS + '"></oembed></figure>',
        "twitter",
        TW,
    ),
    "placeholder data-embedded-url": (
        '<div class="social-embed" data-embedded-url="' + STATUS + '">Loading…</div>',
        "twitter",
        TW,
    ),
    "placeholder data-tweet-url": (
        '<div class="lazy-tweet" data-tweet-url="' + STATUS + '">View on X</div>',
        "twitter",
        TW,
    ),
}


@pytest.mark.parametrize("name", list(RENDERED))
def test_rendered_widgets_and_wrappers(name: str) -> None:
    html, platform, post_id = RENDERED[name]
    text = f"<p>Before.</p>{html}<p>After.</p>"
    post = _one(text)
    assert (post.platform, post.post_id, post.form) == (platform, post_id, "html")
    written = text[post.span[0] : post.span[1]]
    # The span is the embed element: the whole snippet, or the element holding the URL
    # inside an editor's <figure class="media">.
    assert written == html or (html.startswith('<figure class="media">') and written in html)
    assert written.startswith("<") and written.endswith(">")


def test_wrapper_keeps_the_platform_markup_inside() -> None:
    """A rendered wp-block-embed figure: the blockquote inside is read, with its text."""
    html = (
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">'
        '<blockquote class="twitter-tweet"><p lang="en">Second reading.</p>&mdash; M (@m) '
        '<a href="https://twitter.com/m/status/1186275104478474241">October 21, 2019</a>'
        "</blockquote></div></figure>"
    )
    post = _one(html)
    assert (post.post_id, post.text, str(post.published)) == (
        "1186275104478474241",
        "Second reading.",
        "2019-10-21",
    )


NOT_POSTS = {
    "facebook like iframe": '<iframe src="https://www.facebook.com/plugins/like.php?href=https'
    '%3A%2F%2Fwww.facebook.com%2Fcity%2Fposts%2F1234567890123456"></iframe>',
    "facebook share iframe": '<iframe src="https://www.facebook.com/plugins/share_button.php?'
    'href=https%3A%2F%2Fwww.facebook.com%2Fcity%2Fposts%2F1234567890123456"></iframe>',
    "facebook page plugin": '<iframe src="https://www.facebook.com/plugins/page.php?href=https'
    '%3A%2F%2Fwww.facebook.com%2Fcity&amp;tabs=timeline"></iframe>',
    "facebook like div": '<div class="fb-like" data-href="https://www.facebook.com/city/posts/'
    '1234567890123456"></div>',
    "tweet share button": '<a class="twitter-share-button" href="https://twitter.com/share" '
    f'data-url="{STATUS}">Tweet</a>',
    "share placeholder": f'<div class="social-share" data-tweet-url="{STATUS}">Share</div>',
    "follow button": '<a class="twitter-follow-button" href="https://twitter.com/a">Follow</a>',
    "timeline": '<a class="twitter-timeline" href="https://twitter.com/a">Tweets by a</a>',
    "blog byline html": '<p class="byline">Posted by Jane Doe on Mon 4 May 2020</p>',
    "blog byline text": "Posted by Jane Doe on Mon 4 May 2020",
    "blog byline no weekday": "Posted by Jane Doe on May 4, 2020 in News",
    "blog byline markdown": "*Posted by [Jane Doe](https://example.org/jane) on 4 May 2020*",
    "french byline": "Publié par Jeanne sur lun. 4 mai 2020",
    "byline with handle": "— By Jane Doe (@janedoe), staff writer",
    "interview credit": "Interview by Jane Doe (@janedoe) for the Sunday edition.",
    "no dash and no date": "Thanks to Jane Doe (@janedoe) for the photos.",
    "link in a sentence": f"Read [the tweet]({STATUS}) for context.",
    "prose about deleted posts": "this tweet was deleted, she said.",
    "timestamp in prose": "Meeting at 3:05 PM - Apr 1, 2018 with @bob\nand others",
    "handle line then prose time": "Jane\n@jane\nwrote on 3:05 PM - Apr 1, 2018",
}


@pytest.mark.parametrize("name", list(NOT_POSTS))
def test_not_posts(name: str) -> None:
    assert extract(NOT_POSTS[name]).posts == []


FLATTENED = {
    "dash removed": (
        "Huge win tonight. Thanks all!  Mayor Jane Doe (@MayorJaneDoe) August 2, 2016",
        {"author_name": "Mayor Jane Doe", "text": "Huge win tonight. Thanks all!"},
    ),
    "cjk no space after dash": (
        "自転車レーンの拡大を歓迎します。 —自転車協会 (@jitensha_kyokai) 2019年5月7日",
        {"author_name": "自転車協会", "published_text": "2019年5月7日", "lang": "ja"},
    ),
    "bluesky broken over lines": (
        "A model for other cities.\n— Cycling Federation (\n@cyclingfed.bsky.social\n) "
        "3 March 2025 at 10:15",
        {
            "platform": "bluesky",
            "author_handle": "cyclingfed.bsky.social",
            "published_text": "3 March 2025 at 10:15",
            "text": "A model for other cities.",
        },
    ),
    "name and handle on separate lines": (
        "Second reading next week.\n— Transport Minister\n(@transportmin)\nOctober 21, 2019",
        {"author_name": "Transport Minister", "text": "Second reading next week."},
    ),
    "deleted placeholder flattened": (
        "This Tweet was deleted by the Tweet author.\n— Old (@oldaccount) May 2, 2018",
        {"author_handle": "oldaccount", "text": None},
    ),
}


@pytest.mark.parametrize("name", list(FLATTENED))
def test_lossy_flattening(name: str) -> None:
    text, want = FLATTENED[name]
    post = _one(text)
    for key, value in want.items():
        assert getattr(post, key) == value, key
    assert post.span[1] == len(text) and post.span[0] == 0


HASHTAG_HTML = (
    '<blockquote class="twitter-tweet"><p lang="ja">New laptop '
    '<a href="https://twitter.com/hashtag/mac?src=hash">#mac</a>'
    '<a href="https://twitter.com/hashtag/windows?src=hash">#windows</a> '
    "&#35;bikes #&#x30B3;&#x30FC;&#x30D2;&#x30FC; #ラーメン</p>&mdash; J (@j) "
    '<a href="https://twitter.com/j/status/1104412345678901248">March 9, 2019</a></blockquote>'
)


def test_rendered_widget_text() -> None:
    """Reference notes §2.8: what a rendered Twitter widget flattens to."""
    text = (
        "Before.\n\nSons of Penn ✔\n@SonsofPenn\n OH CAPTAIN, MY CAPTAIN!\n\n447\n"
        "[3:05 PM - Apr 1, 2018](https://twitter.com/SonsofPenn/status/980521226018521088)\n"
        "165 people are talking about this\nTwitter Ads info and privacy\n\nAfter."
    )
    post = _one(text)
    assert (post.post_id, post.author_name, post.author_handle, str(post.published)) == (
        "980521226018521088",
        "Sons of Penn",
        "SonsofPenn",
        "2018-04-01",
    )
    assert post.text == "OH CAPTAIN, MY CAPTAIN!"
    written = text[post.span[0] : post.span[1]]
    assert written.startswith("Sons of Penn") and written.endswith("Twitter Ads info and privacy")


def test_facebook_video_byline_with_a_title_link() -> None:
    """fb-video fallback: a title link first, then "Publié par <a>NAME</a> sur DATE" as text."""
    html = (
        '<div class="fb-video" data-href="https://www.facebook.com/mairie.paris/videos/'
        '1122334455667788/"><blockquote cite="x" class="fb-xfbml-parse-ignore"><a href="'
        'https://www.facebook.com/mairie.paris/videos/1122334455667788/">Le sommet</a><p>Retour.'
        '</p>Publié par <a href="https://www.facebook.com/mairie.paris">Mairie de Paris</a> '
        "sur&nbsp;lundi 30 novembre 2015</blockquote></div>"
    )
    post = _one(html)
    assert (post.post_id, post.author_name, str(post.published)) == (
        "1122334455667788",
        "Mairie de Paris",
        "2015-11-30",
    )


def test_hashtags_in_posts_by_reference_link_and_katakana() -> None:
    x = extract(HASHTAG_HTML)
    (post,) = x.posts
    got = [(h.text, HASHTAG_HTML[h.span[0] : h.span[1]]) for h in post.hashtags]
    assert got == [
        ("mac", "#mac"),
        ("windows", "#windows"),
        ("bikes", "&#35;bikes"),
        ("コーヒー", "#&#x30B3;&#x30FC;&#x30D2;&#x30FC;"),
        ("ラーメン", "#ラーメン"),
    ]
    assert [h.text for h in x.hashtags] == [h for h, _ in got]


def test_adjacent_hashtags_outside_a_post_follow_twitter_text() -> None:
    """twitter-text finds no hashtag in ``#mac#windows`` written as text: kept as it is."""
    assert extract("<p>#mac#windows</p>").hashtags == []
    assert extract("#mac#windows").hashtags == []


def _fields(text: str) -> list[tuple[Any, ...]]:
    return [
        (
            p.platform,
            p.post_id,
            p.author_handle,
            p.author_name,
            p.published,
            p.text and p.text.split(),
        )
        for p in extract(text).posts
    ]


_FORM_FILES = sorted(
    p for p in [*PAGES.iterdir(), *CONVERTED.glob("*/*")] if p.suffix in (".md", ".txt", ".html")
)


@pytest.mark.parametrize("path", _FORM_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_crlf_line_endings_give_the_same_posts(path: Path) -> None:
    """Regression: with Windows line endings an indented code block in Markdown was no longer
    code (a false positive from the negatives page) and rendered-widget text lost its posts."""
    text = path.read_text(encoding="utf-8")
    assert _fields(text.replace("\n", "\r\n")) == _fields(text)


def test_crlf_indented_code_block_is_code() -> None:
    code = '<blockquote class="twitter-tweet"><a href="https://twitter.com/jack/status/20"></a>'
    for nl in ("\n", "\r\n"):
        doc = nl.join(["Markup to paste:", "", "    " + code + "</blockquote>", "", "End."])
        assert extract(doc, markup="markdown").posts == [], nl


def test_crlf_rendered_widget_text() -> None:
    text = (
        "Prose.\r\n\r\nBoca Juniors ✔\r\n@BocaJrsOficial\r\n Comunicado.\r\n\r\n"
        "8:41 PM - Nov 24, 2018\r\n"
    )
    post = _one(text)
    assert (post.author_name, post.author_handle, post.text) == (
        "Boca Juniors",
        "BocaJrsOficial",
        "Comunicado.",
    )


@pytest.mark.parametrize(
    ("fence", "inner"),
    [("~~~", ""), ("~~~~", "~~~\n"), ("````", "```\n")],
    ids=["tildes", "long tildes", "long backticks"],
)
@pytest.mark.parametrize("markup", ["markdown", None])
def test_shortcode_in_any_code_fence_is_documentation(
    fence: str, inner: str, markup: str | None
) -> None:
    """Regression: only ``` fences were code, and any ``` line closed them, so a shortcode
    shown in a ~~~ fence (or after a shorter inner fence) was reported as an embedded post."""
    code = f'{{{{< tweet user="a" id="{TW}" >}}}}'
    doc = f"How to embed:\n\n{fence}md\n{inner}{code}\n{fence}\n\nEnd [a](https://b.org)."
    assert extract(doc, markup=markup).posts == []
    assert len(extract(f"How to embed:\n\n{code}\n\nEnd.", markup=markup).posts) == 1


def test_jsx_component_in_inline_code_sniffed_as_markdown() -> None:
    """Regression: an MDX component in inline code was a post when sniffed (read as plain
    text) but not with markup="markdown"."""
    doc = f'Write `<Tweet id="{TW}" />` in your MDX.'
    assert extract(doc).posts == extract(doc, markup="markdown").posts == []
    assert _one(f'<Tweet id="{TW}" />').post_id == TW


@pytest.mark.parametrize(
    "doc",
    [
        f'Text\n<!-- {{{{< tweet user="a" id="{TW}" >}}}} -->\nMore',
        f"Text\n<!--\n> Hi\n>\n> — A (@a) [March 9, 2019]({STATUS})\n-->\nMore",
        f"{{% raw %}}{{% twitter {STATUS} %}}{{% endraw %}}",
    ],
    ids=["comment shortcode", "comment blockquote", "liquid raw"],
)
@pytest.mark.parametrize("markup", ["markdown", None])
def test_markdown_hidden_or_raw_embed_is_no_post(doc: str, markup: str | None) -> None:
    """Regression: an embed commented out (<!-- -->) or escaped in Liquid {% raw %} is not
    on the page, yet it was reported as a post."""
    assert extract(doc, markup=markup).posts == []
    shown = doc.replace("<!--", "").replace("-->", "").replace("{% raw %}", "")
    assert len(extract(shown.replace("{% endraw %}", ""), markup=markup).posts) == 1


@pytest.mark.parametrize("attr", ["data-embedded-url", "data-tweet-url", "data-oembed-url"])
def test_placeholder_around_official_markup_leaves_it_to_the_platform(attr: str) -> None:
    """Regression: a publisher placeholder carrying the URL in a data- attribute shadowed the
    blockquote it wraps, so the post lost its author, text, date and hashtags."""
    quote = (
        f'<blockquote class="twitter-tweet"><p>Hello #bikes</p>&mdash; Ann (@a) '
        f'<a href="{STATUS}">March 9, 2019</a></blockquote>'
    )
    post = _one(f'<div {attr}="{STATUS}">{quote}</div>', markup="html")
    assert (post.post_id, post.author_name, post.text, post.published_text) == (
        TW,
        "Ann",
        "Hello #bikes",
        "March 9, 2019",
    )
    assert [e.text for e in post.hashtags] == ["bikes"]
    assert _one(f'<div {attr}="{STATUS}"></div>', markup="html").post_id == TW
