"""A corpus of hard citations for the consumer tests: hostile text, every platform, gaps."""

from __future__ import annotations

from datetime import UTC, date, datetime

from embedres import Citation
from embedres.model import Link, Post, Snapshot

HOSTILE = (
    "}} {{Delete}} [[Category:Evil]] } unbalanced { 50% $x^2$ @RTenfrancais #tag & "
    "C_D \\end{document} \\\\ <i>it</i> <script>alert(1)</script> ''bold'' ~~~~ | a "
    "\u202egnp.exe\u202c [^1]: forged [x](javascript:alert(1)) https://t.co/AbCdEf bit.ly/x"
)
"""Post text holding every character class that broke an exporter once."""

_SNAP = Snapshot(
    original_url="https://twitter.com/RTenfrancais/status/666535042222141457",
    archive_url=(
        "https://web.archive.org/web/20151118060000/"
        "https://twitter.com/RTenfrancais/status/666535042222141457?a=50%25&b=[1]|c"
    ),
    archived_at=datetime(2015, 11, 18, 6, 0, tzinfo=UTC),
    service="wayback",
)

_PLATFORM_URLS = {
    "twitter": ("https://twitter.com/RTenfrancais/status/666535042222141457", "666535042222141457"),
    "bluesky": ("https://bsky.app/profile/ann.bsky.social/post/3lbruqxjnjn2n", "3lbruqxjnjn2n"),
    "mastodon": ("https://mastodon.social/@jdoe/111222333444555666", "111222333444555666"),
    "threads": ("https://www.threads.net/@zuck/post/C8aBcDeFgHi", "C8aBcDeFgHi"),
    "instagram": ("https://www.instagram.com/p/BwvVHQ5gMAe/", "BwvVHQ5gMAe"),
    "tiktok": (
        "https://www.tiktok.com/@tinycircuits/video/7018217500441627910",
        "7018217500441627910",
    ),
    "youtube": ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    "facebook": ("https://www.facebook.com/nasa/posts/10158000000000000", "10158000000000000"),
    "reddit": ("https://www.reddit.com/r/python/comments/abc123/title/", "abc123"),
    "telegram": ("https://t.me/durov/142", "durov/142"),
    "linkedin": (
        "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000000/",
        "urn:li:activity:7100000000000000000",
    ),
    "pinterest": ("https://www.pinterest.com/pin/99360735500167749/", "99360735500167749"),
}


def every_platform() -> list[Citation]:
    """One ordinary post per platform, with author, text, date and URL."""
    out = []
    for i, (platform, (url, post_id)) in enumerate(sorted(_PLATFORM_URLS.items())):
        post = Post(
            platform,
            (i, i + 1),
            url=url,
            post_id=post_id,
            author_name=f"Author {platform.title()}",
            author_handle=f"h_{platform}",
            text=f"A post on {platform}. It ends here.",
            published=date(2024, 3, 1 + i),
        )
        out.append(Citation(post=post, accessed=date(2025, 1, 15)))
    return out


def tricky() -> list[Citation]:
    """Hostile text, same-day posts without ids, no author, no title, URL-only posts, links."""
    day = date(2015, 11, 17)
    hostile = Post(
        "twitter",
        (0, 1),
        author_name="Eve {x} %$ \u202eevE",
        author_handle="evil_1",
        text=HOSTILE,
        published=day,
        post_id="666535042222141457",
        url="https://twitter.com/evil_1/status/666535042222141457",
    )
    same_1 = Post("twitter", (1, 2), author_handle="RTenfrancais", text="Premier.", published=day)
    same_2 = Post("twitter", (2, 3), author_handle="RTenfrancais", text="Second.", published=day)
    no_author = Post("bluesky", (3, 4), text="Nobody signed this", published=day)
    no_title = Post("youtube", (4, 5), author_name="Rick Astley", post_id="dQw4w9WgXcQ")
    bare = Post(
        "youtube", (5, 6), url="https://www.youtube.com/watch?v=-x_Y-abc12", post_id="-x_Y-abc12"
    )
    nothing = Post("tiktok", (6, 7))
    url_only = Post(
        "mastodon", (7, 8), url="https://mastodon.social/@jdoe/1", post_id="1", form="url"
    )
    return [
        Citation(post=hostile, snapshots=(_SNAP,), accessed=day),
        Citation(post=same_1),
        Citation(post=same_2),
        Citation(post=no_author),
        Citation(post=no_title),
        Citation(post=bare),
        Citation(post=nothing),
        Citation(post=url_only),
        Citation(link=Link("https://example.org/a%20b?x=[1]|y", (8, 9), "web"), accessed=day),
        Citation(link=Link("https://bit.ly/3xYz", (9, 10), "short")),
        Citation(link=Link("https://example.org/same", (10, 11), "web")),
        Citation(link=Link("https://example.org/same", (11, 12), "web")),
    ]


def corpus() -> list[Citation]:
    """Every citation the consumer tests feed to real programs."""
    return every_platform() + tricky()
