"""embedres: detect, resolve, archive and cite social embeds and short links in articles."""

import logging

from embedres._version import __version__
from embedres.archive.archiver import Archiver
from embedres.citation import Citation, replace_embeds
from embedres.detect.extractor import extract
from embedres.errors import (
    ArchiveError,
    ArchiveUnavailable,
    AuthenticationFailed,
    CaptureFailed,
    EmbedresError,
    InputError,
    InvalidArgument,
    QuotaExceeded,
    RateLimited,
    SaveFailed,
    SaveTimeout,
    UnsafeURL,
    WarcWriteError,
)
from embedres.model import Entity, Extraction, Hop, Link, Post, Resolution, Snapshot
from embedres.pipeline import cite
from embedres.platforms.ids import (
    linkedin_time,
    mastodon_time,
    post_time,
    shortcode_time,
    snowflake_time,
    tid_time,
    tiktok_time,
)
from embedres.resolve.resolver import Resolver

__all__ = [
    "ArchiveError",
    "ArchiveUnavailable",
    "Archiver",
    "AuthenticationFailed",
    "CaptureFailed",
    "Citation",
    "EmbedresError",
    "Entity",
    "Extraction",
    "Hop",
    "InputError",
    "InvalidArgument",
    "Link",
    "Post",
    "QuotaExceeded",
    "RateLimited",
    "Resolution",
    "Resolver",
    "SaveFailed",
    "SaveTimeout",
    "Snapshot",
    "UnsafeURL",
    "WarcWriteError",
    "__version__",
    "cite",
    "extract",
    "linkedin_time",
    "mastodon_time",
    "post_time",
    "replace_embeds",
    "shortcode_time",
    "snowflake_time",
    "tid_time",
    "tiktok_time",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
