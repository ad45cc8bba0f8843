"""Articles in, one :class:`PostStatus` per embedded post out, dead posts with an archived copy.

Articles are files (HTML, Markdown or text), directories of them (searched recursively) or
JSON Lines batches (``{"id": ..., "html" | "text": ...}`` per line, as ``embedres cite
--batch`` reads).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from embedres._jsonable import load_json
from embedres.archive.archiver import Archiver
from embedres.archive.xposts import lookup_post
from embedres.detect.extractor import extract
from embedres.errors import ArchiveError, InputError, InvalidArgument
from embedres.liveness.checker import LivenessChecker
from embedres.liveness.records import PostStatus
from embedres.model import Post, Snapshot
from embedres.platforms.twitter import status_parts

__all__ = ["ARTICLE_SUFFIXES", "archive_lookup", "check_articles", "read_articles"]

ARTICLE_SUFFIXES = frozenset({".html", ".htm", ".md", ".markdown", ".txt"})
"""Files a directory contributes (other files are skipped)."""
MAX_ARTICLE = 16 * 2**20
Lookup = Callable[[PostStatus, "date | None"], "tuple[Snapshot | None, str | None]"]
"""``lookup(status, near) -> (snapshot, archived text)``."""


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_ARTICLE:
            raise InputError(f"{path}: larger than {MAX_ARTICLE} bytes")
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{str(path)!r} is not UTF-8 text (byte {exc.start})") from None


def _jsonl(path: Path) -> Iterator[tuple[str, str]]:
    for n, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = load_json(line)  # nesting capped: 100,000 "[" is not a RecursionError
        except ValueError as exc:
            raise InputError(f"{path}:{n}: not JSON ({exc})") from None
        body = rec.get("html", rec.get("text")) if isinstance(rec, dict) else None
        if not isinstance(body, str):
            raise InputError(f'{path}:{n}: a record needs a "text" or "html" string')
        yield f"{path}#{rec.get('id', n)}", body


def read_articles(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str]]:
    """Yield ``(source, text)`` for each article named.

    Args:
        paths: files, directories (searched recursively for :data:`ARTICLE_SUFFIXES`) and
            ``.jsonl`` batches.

    Raises:
        InputError: a path is missing or unreadable, or a JSONL line is no record.
    """
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES:
                    yield str(f), _read(f)
        elif path.suffix.lower() == ".jsonl":
            yield from _jsonl(path)
        else:
            yield str(path), _read(path)


def archive_lookup(archiver: Archiver) -> Lookup:
    """A lookup for :func:`check_articles`: X-aware for tweets, :meth:`Archiver.lookup` else.

    Archive failures become a ``None`` answer; :func:`check_articles` notes them.
    """

    def find(status: PostStatus, near: date | None) -> tuple[Snapshot | None, str | None]:
        if status.platform == "twitter" and status.post_id:
            parts = status_parts(status.url)  # None for handle-less i/web/status URLs
            handle = parts[0] if parts else None
            found = lookup_post(archiver, status.post_id, handle, near=near)
            return found.snapshot, found.text
        return archiver.lookup(status.url, near), None

    return find


def _posts(text: str) -> Iterator[Post]:
    """Embedded posts, then links to posts standing alone (Markdown sites embed those: a
    bare tweet URL on its own line becomes an embed in Eleventy and Jekyll plugins)."""
    found = extract(text)
    seen: set[str] = set()
    for post in found.posts:
        if post.url and post.url not in seen:
            seen.add(post.url)
            yield post
    for link in found.links:
        url = link.canonical_url
        if link.kind == "post" and link.platform and url and url not in seen:
            seen.add(url)
            yield Post(link.platform, link.span, url=url, post_id=link.post_id, form="url")


def check_articles(
    paths: Iterable[str | os.PathLike[str]],
    checker: LivenessChecker,
    *,
    lookup: Lookup | None = None,
) -> list[PostStatus]:
    """Check every embedded post of the articles; look dead ones up in the archives.

    Args:
        paths: see :func:`read_articles`.
        checker: the liveness checker (its Network decides offline, cache and policy).
        lookup: finds the archived copy of a dead post (e.g. :func:`archive_lookup`);
            None looks nothing up.

    Returns:
        One status per distinct post URL per article, in article order.

    Raises:
        InputError: an article cannot be read.
        InvalidArgument: ``checker`` is not a LivenessChecker.
    """
    if not isinstance(checker, LivenessChecker):
        raise InvalidArgument("checker must be a LivenessChecker")
    out: list[PostStatus] = []
    for source, text in read_articles(paths):
        for post in _posts(text):
            status = replace(checker.check(post), source=source)
            if status.dead and lookup is not None:
                status = _with_archive(status, post, lookup)
            out.append(status)
    return out


def _with_archive(status: PostStatus, post: Post, lookup: Lookup) -> PostStatus:
    near = post.published
    near_date = near if isinstance(near, date) else None
    try:
        snap, text = lookup(status, near_date)
    except ArchiveError as exc:
        return replace(status, archive_note=f"archive lookup failed: {exc}")
    if snap is None:
        return replace(status, archive_note="no archived copy holds the post")
    return replace(status, archived=snap, archived_text=text)
