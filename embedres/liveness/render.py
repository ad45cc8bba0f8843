"""Render a dead post for :func:`embedres.replace_embeds`: from its archived copy, or as a
clearly marked "no longer available" card instead of a blank box."""

from __future__ import annotations

import html as _html
from collections.abc import Callable, Iterable

from embedres.export.protocol import Citable
from embedres.export.static import static_blockquote
from embedres.export.styles import safe_url
from embedres.liveness.checker import post_identity
from embedres.liveness.records import PostStatus
from embedres.platforms.posturls import parse_post_url

__all__ = ["dead_post_card", "liveness_renderer"]

_SAYS = {
    "deleted": "This post was deleted or removed.",
    "suspended": "This post's account was suspended.",
    "protected": "This post is now private (protected account or private video).",
}


def dead_post_card(status: PostStatus, citation: Citable | None = None) -> str:
    """HTML for a post that readers can no longer see.

    With an archived copy (``status.archived``) the post is rendered from the article's
    citation (text, author, date) with a link to the copy; without one, a card says the post
    is no longer available and links the original URL. Both carry
    ``class="embedres-dead"`` and ``data-status``, so a stylesheet can mark them.

    Args:
        status: the post's status (a dead one).
        citation: the post's citation, for its text and author (None: the card only).

    Returns:
        An HTML fragment, every value escaped.
    """
    says = _SAYS.get(status.status, "This post is no longer available.")
    head = (
        f'<blockquote class="embedres-dead" data-status="{_html.escape(status.status)}">'
        f'<p class="embedres-dead-note"><strong>No longer available.</strong> '
        f"{_html.escape(says)}</p>"
    )
    snap = status.archived
    # Only http(s) links leave this function: a custom lookup or a hand-built status could
    # carry a javascript: URL.
    copy = safe_url(snap.archive_url) if snap is not None else None
    if snap is not None and copy is not None and (citation is not None or status.archived_text):
        inner = (
            static_blockquote(citation)
            if citation is not None and citation.post is not None and citation.post.text
            else f"<p>{_html.escape(status.archived_text or '')}</p>"
        )
        when = snap.archived_at.date().isoformat()
        link = (
            f'<p class="embedres-archived">Archived copy ({_html.escape(when)}): '
            f'<a href="{_html.escape(copy)}">{_html.escape(copy)}</a></p>'
        )
        return f"{head}{inner}{link}</blockquote>"
    url = safe_url(status.url)
    tail = "" if copy is None else f' · <a href="{_html.escape(copy)}">archived</a>'
    if url is None:
        return f"{head}<p>{tail.lstrip(' ·')}</p></blockquote>" if tail else f"{head}</blockquote>"
    url = _html.escape(url)
    return f'{head}<p><a href="{url}">{url}</a>{tail}</p></blockquote>'


def liveness_renderer(
    statuses: Iterable[PostStatus],
    render: Callable[[Citable], str] = static_blockquote,
) -> Callable[[Citable], str]:
    """A ``render`` for :func:`embedres.replace_embeds` that knows which posts are dead.

    Args:
        statuses: results of :func:`embedres.liveness.check_articles` or
            :meth:`LivenessChecker.check`.
        render: how live (and unchecked) posts are rendered.

    Returns:
        ``render(citation) -> html``: :func:`dead_post_card` for dead posts, ``render``
        for the others. Posts are matched as the checker's cache matches them
        (:func:`~embedres.liveness.checker.post_identity`): an x.com citation matches a
        twitter.com status, a Mastodon id only on its own instance.
    """
    dead: dict[str, PostStatus] = {}
    for s in statuses:
        if s.dead and s.post_id:
            dead[post_identity(s.platform, s.post_id, s.url)] = s

    def hook(citation: Citable) -> str:
        ref = parse_post_url(citation.url or "") if citation.url else None
        key = post_identity(ref.platform, ref.post_id, ref.canonical_url) if ref else None
        status = dead.get(key) if key is not None else None
        return dead_post_card(status, citation) if status is not None else render(citation)

    return hook
