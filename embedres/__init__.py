"""embedres: detect, resolve, archive and cite social embeds and short links in articles."""

import logging

from ._version import __version__
from .archive import Archiver
from .citation import Citation
from .detect import extract
from .errors import (
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
from .ids import (
    linkedin_time,
    mastodon_time,
    post_time,
    shortcode_time,
    snowflake_time,
    tid_time,
    tiktok_time,
)
from .model import Entity, Extraction, Hop, Link, Post, Resolution, Snapshot
from .pipeline import cite
from .resolve import Resolver
from .static import replace_embeds

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
