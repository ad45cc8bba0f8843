"""Stand-ins for the pipeline's collaborators: a dict cache, a table resolver, the seed post."""

from __future__ import annotations

from datetime import date
from typing import Any

from embedres.model import Hop, Link, Post, Resolution

STATUS_ID = "666535042222141457"  # 2015-11-17T08:35:12Z
PIC = "pic.twitter.com/UU7PNmTL0V"
TCO = "https://t.co/CJ9ySZge7P"
SEED_POST = Post(
    "twitter",
    (100, 300),
    author_name="RT France",
    author_handle="RTenfrancais",
    text=f"François #Hollande se rendra à #Moscou mardi\n{TCO}{PIC}",
    published=date(2015, 11, 17),
    published_text="17 Novembre 2015",
    lang="fr",
    links=(
        Link(TCO, (150, 173), "short", "t.co"),
        Link(PIC, (173, 199), "media", "pic.twitter.com"),
    ),
    form="text",
)


class DictCache:
    """An in-memory stand-in for the resolver's cache (same get/put protocol)."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], Any] = {}

    def get(self, namespace: str, key: str) -> Any | None:
        return self.data.get((namespace, key))

    def put(self, namespace: str, key: str, value: Any, *, ttl: float) -> None:
        assert ttl > 0
        self.data[(namespace, key)] = value

    def close(self) -> None:
        self.data.clear()


class FakeResolver:
    """Answers from a table; records what it was asked."""

    def __init__(self, table: dict[str, str], offline: bool = False) -> None:
        self.table, self.offline, self.asked = table, offline, []  # type: ignore[var-annotated]

    def resolve(self, url: str) -> Resolution:
        self.asked.append(url)
        if self.offline:
            return Resolution(url=url, status="offline")
        final = self.table.get(url)
        if final is None:
            return Resolution(url=url, status="error", error="unknown host")
        hop = Hop(url, 301, final, "http")
        return Resolution(url=url, status="ok", final_url=final, chain=(hop,))


def photo(status_id: str = STATUS_ID, user: str = "RTenfrancais") -> dict[str, str]:
    """The resolver table entry sending the seed's pic.twitter.com link to its photo URL."""
    return {f"https://{PIC}": f"https://twitter.com/{user}/status/{status_id}/photo/1"}
