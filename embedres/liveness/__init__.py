"""Is the post still there? Per-post liveness through the shared Network, and reports.

:class:`LivenessChecker` asks each platform's public, key-less endpoint (the one its embed
uses) through a :class:`~embedres.Network`; :func:`check_articles` reports every embedded post
of a set of articles, with the nearest archived copy of the dead ones.
"""

from embedres.liveness.checker import LivenessChecker
from embedres.liveness.records import Evidence, PostStatus
from embedres.liveness.render import dead_post_card, liveness_renderer
from embedres.liveness.report import archive_lookup, check_articles, read_articles

__all__ = [
    "Evidence",
    "LivenessChecker",
    "PostStatus",
    "archive_lookup",
    "check_articles",
    "dead_post_card",
    "liveness_renderer",
    "read_articles",
]
