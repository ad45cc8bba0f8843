"""cite(): wiring of detection, resolution, status-id recovery, hydration and archiving.

Detection is replaced by a fixed Extraction (the seed's post, built by hand) so these tests
check the pipeline alone; tests/package/test_seed_cite.py runs the real detector.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

import pytest

import embedres.pipeline as pipeline
from embedres import Citation, InvalidArgument, cite
from embedres.errors import ArchiveError
from embedres.model import Extraction, Link, Post, Resolution, Snapshot
from tests.support.fakes import PIC, SEED_POST, STATUS_ID, TCO, DictCache, FakeResolver, photo

OUTSIDE = Link("https://t.co/AbCdEf1234", (10, 33), "short", "t.co")


@pytest.fixture(autouse=True)
def _fixed_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    found = Extraction(links=[OUTSIDE, *SEED_POST.links], posts=[SEED_POST])
    monkeypatch.setattr(pipeline, "extract", lambda text, html=None: found)


class FakeArchiver:
    def __init__(self, found: Snapshot | None = None, fail: bool = False) -> None:
        self.found, self.fail, self.calls = found, fail, []  # type: ignore[var-annotated]

    def lookup(self, url: str, near: Any = None) -> Snapshot | None:
        self.calls.append(("lookup", url, near))
        if self.fail:
            raise ArchiveError("service unavailable")
        return self.found

    def save(self, url: str) -> Snapshot:
        self.calls.append(("save", url, None))
        return _snap(url)

    def capture(self, url: str) -> Snapshot:
        self.calls.append(("capture", url, None))
        return _snap(url, "warc")


def _snap(url: str, service: str = "wayback") -> Snapshot:
    when = datetime(2015, 11, 18, tzinfo=timezone.utc)
    return Snapshot(f"https://web.archive.org/web/20151118/{url}", when, service, url)


def _one(**kwargs: Any) -> Citation:
    kwargs.setdefault("hydrate", False)
    (c,) = cite("article", accessed=date(2025, 1, 15), **kwargs)
    return c


def test_without_resolution_number_is_unknown_and_says_how_to_get_it() -> None:
    c = _one(resolve=False)
    assert c.post_id is None and c.resolutions == ()
    assert c.warnings == (f"status id unknown: resolve {PIC} to fill it (links not resolved)",)
    wikitext = c.to_wikitext()  # no empty |number= on Wikipedia: commented out (issue #13)
    assert wikitext.startswith("<!-- embedres: {{cite tweet}} needs |number=")
    assert "|number= |" not in wikitext


def test_offline_resolver_gives_offline_statuses() -> None:
    c = _one(resolver=FakeResolver({}, offline=True))
    assert [r.status for r in c.resolutions] == ["offline", "offline"]
    assert "link status: offline" in c.warnings[0]


def test_offline_flag_never_calls_an_online_resolver() -> None:
    resolver = FakeResolver(photo())
    c = _one(resolver=resolver, offline=True)
    assert resolver.asked == [] and {r.status for r in c.resolutions} == {"offline"}


def test_media_link_recovers_status_id_and_checks_the_date() -> None:
    resolver = FakeResolver(photo())
    c = _one(resolver=resolver)
    assert (c.post_id, c.url) == (STATUS_ID, f"https://twitter.com/RTenfrancais/status/{STATUS_ID}")
    assert c.recovered_id == STATUS_ID and c.warnings == () and c.media == "image"
    assert f"|number={STATUS_ID} |" in c.to_wikitext()
    assert sorted(resolver.asked) == sorted([TCO, f"https://{PIC}"])  # each link once


def test_date_far_from_the_id_is_a_warning() -> None:
    late = "1728688401639940130"  # 2023-11-26
    c = _one(resolver=FakeResolver(photo(late)))
    assert c.post_id == late
    assert any("differ by" in w and late in w for w in c.warnings), c.warnings


def test_media_of_another_account_is_a_warning() -> None:
    c = _one(resolver=FakeResolver(photo(user="someoneelse")))
    assert any("@someoneelse" in w for w in c.warnings), c.warnings


def test_resolve_many_is_used_when_offered() -> None:
    class Many(FakeResolver):
        def resolve_many(self, urls: list[str]) -> list[Resolution]:
            self.batches = list(urls)
            return [self.resolve(u) for u in urls]

    resolver = Many(photo())
    post, _link = cite("x", resolver=resolver, links=True, hydrate=False)
    assert post.post_id == STATUS_ID and len(resolver.batches) == 3


def test_outside_links_become_link_citations() -> None:
    table = {**photo(), OUTSIDE.url: "https://example.org/article"}
    post, link = cite("x", resolver=FakeResolver(table), links=True, hydrate=False)
    assert post.kind == "post" and link.kind == "link"
    assert link.url == "https://example.org/article" and link.resolutions[0].status == "ok"


def test_hydration_fills_missing_fields_from_oembed_and_cache() -> None:
    answer = {
        "author_name": "RT France",
        "author_url": "https://twitter.com/RTenfrancais",
        "html": "<p lang='fr'>Other text</p>&mdash; <a>November 17, 2015</a>",
    }
    cache = DictCache()
    c = _one(
        resolver=FakeResolver(photo()),
        hydrate=True,
        cache=cache,
        oembed_fetch=lambda url: json.dumps(answer).encode(),
    )
    assert c.post is not None and c.post.text == SEED_POST.text  # the article's text wins
    assert c.post.hydrated == () and c.post.url is None  # nothing was missing but the URL
    assert len(cache.data) == 0


def test_hydration_of_a_bare_post_url(monkeypatch: pytest.MonkeyPatch) -> None:
    bare = Post(
        "twitter",
        (0, 60),
        url=f"https://twitter.com/RTenfrancais/status/{STATUS_ID}",
        post_id=STATUS_ID,
        form="url",
    )
    monkeypatch.setattr(pipeline, "extract", lambda text, html=None: Extraction(posts=[bare]))
    answer = {
        "author_name": "RT France",
        "author_url": "https://twitter.com/RTenfrancais",
        "html": "<p lang='fr'>Bonjour</p>&mdash; <a>November 17, 2015</a>",
    }
    cache = DictCache()
    c = _one(
        resolver=FakeResolver({}),
        hydrate=True,
        cache=cache,
        oembed_fetch=lambda url: json.dumps(answer).encode(),
    )
    assert c.post is not None and c.post.text == "Bonjour"
    assert set(c.post.hydrated) == {"author_name", "author_handle", "text", "published", "lang"}
    again = _one(resolver=FakeResolver({}), hydrate=True, cache=cache, offline=True)
    assert again.post == c.post  # offline: answered from the cache


def test_archive_lookup_then_save() -> None:
    archiver = FakeArchiver(found=None)
    c = _one(resolver=FakeResolver(photo()), archive=True, archiver=archiver)
    assert [call[0] for call in archiver.calls] == ["lookup", "save"]
    assert archiver.calls[0][2] == date(2015, 11, 17)  # nearest the post's date
    assert c.snapshot is not None and "archive-url=https://web.archive.org/" in c.to_wikitext()


@pytest.mark.parametrize(("mode", "calls"), [("lookup", ["lookup"]), ("capture", ["capture"])])
def test_archive_modes(mode: str, calls: list[str]) -> None:
    archiver = FakeArchiver(found=None)
    _one(resolver=FakeResolver(photo()), archive=mode, archiver=archiver)
    assert [call[0] for call in archiver.calls] == calls


def test_archive_failure_is_a_warning_and_offline_never_archives() -> None:
    c = _one(resolver=FakeResolver(photo()), archive="lookup", archiver=FakeArchiver(fail=True))
    assert c.snapshots == () and any("archiving" in w for w in c.warnings)
    archiver = FakeArchiver(found=_snap("x"))
    _one(resolver=FakeResolver(photo()), archive="lookup", archiver=archiver, offline=True)
    assert archiver.calls == []


def test_no_url_no_archive_call() -> None:
    archiver = FakeArchiver(found=_snap("x"))
    _one(resolve=False, archive="lookup", archiver=archiver)
    assert archiver.calls == []


@pytest.mark.parametrize(
    "kwargs",
    [{"archive": "bogus"}, {"accessed": "2025-01-15"}],
)
def test_bad_options(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        cite("x", resolve=False, **kwargs)


def test_bad_input() -> None:
    with pytest.raises(InvalidArgument):
        cite(b"bytes", resolve=False)  # type: ignore[arg-type]


def test_accessed_defaults_to_today() -> None:
    (c,) = cite("x", resolve=False, hydrate=False)
    assert c.accessed == datetime.now(timezone.utc).date()


def test_capture_needs_an_archiver() -> None:
    with pytest.raises(InvalidArgument, match="warc_dir"):
        cite("x", resolve=False, archive="capture")


def test_a_resolver_built_by_cite_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Closing(FakeResolver):
        closed = False

        def close(self) -> None:
            Closing.closed = True

    monkeypatch.setattr(pipeline, "_default_resolver", lambda offline: Closing(photo()))
    c = _one()
    assert c.post_id == STATUS_ID and Closing.closed


def test_no_network_with_the_real_resolver_gives_error_statuses() -> None:
    """resolve=True on a machine without network: citations still come back."""
    from embedres.resolve.resolver import Resolver

    def no_dns(host: str, port: int) -> list[str]:
        raise OSError("Temporary failure in name resolution")

    with Resolver(cache=None, name_resolver=no_dns, max_retries=0, timeout=2.0) as resolver:
        c = _one(resolver=resolver)
    assert c.post is not None and c.post.author_handle == "RTenfrancais"
    assert [r.status for r in c.resolutions] == ["error", "error"]
    assert c.post_id is None and "link status: error" in c.warnings[0]
