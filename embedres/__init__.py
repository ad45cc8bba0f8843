"""embedres: detect, resolve, archive and cite social embeds and short links in articles."""

import logging

from embedres._version import __version__
from embedres.archive.archiver import Archiver, MementoService, WaybackService
from embedres.citation import Citation, replace_embeds
from embedres.detect.extractor import extract
from embedres.errors import (
    ArchiveError,
    ArchiveUnavailable,
    AuthenticationFailed,
    BlockedAddress,
    CacheError,
    CaptureFailed,
    EmbedresError,
    FetchError,
    FetchTimeout,
    InputError,
    InvalidArgument,
    InvalidURL,
    NoNetwork,
    QuotaExceeded,
    RateLimited,
    SaveFailed,
    SaveTimeout,
    Unreachable,
    UnsafeURL,
    WarcWriteError,
)
from embedres.liveness import LivenessChecker, PostStatus, check_articles
from embedres.model import Entity, Extraction, Hop, Link, Post, Resolution, Snapshot
from embedres.net.cache import Cache, SQLiteCache
from embedres.net.network import Network, NetworkConfig
from embedres.net.ratelimit import HostLimits, InProcessRateLimiter, RateLimiter
from embedres.net.transport import Reply, Transport
from embedres.pipeline import LinkArchiver, LinkResolver, PostHydrator, cite
from embedres.platforms.ids import (
    linkedin_time,
    mastodon_time,
    post_time,
    shortcode_time,
    snowflake_time,
    tid_time,
    tiktok_time,
)
from embedres.resolve.oembed import OEmbedHydrator
from embedres.resolve.resolver import Resolver

__all__ = [
    "ArchiveError",
    "ArchiveUnavailable",
    "Archiver",
    "AuthenticationFailed",
    "BlockedAddress",
    "Cache",
    "CacheError",
    "CaptureFailed",
    "Citation",
    "EmbedresError",
    "Entity",
    "Extraction",
    "FetchError",
    "FetchTimeout",
    "Hop",
    "HostLimits",
    "InProcessRateLimiter",
    "InputError",
    "InvalidArgument",
    "InvalidURL",
    "Link",
    "LinkArchiver",
    "LinkResolver",
    "LivenessChecker",
    "MementoService",
    "Network",
    "NetworkConfig",
    "NoNetwork",
    "OEmbedHydrator",
    "Post",
    "PostHydrator",
    "PostStatus",
    "QuotaExceeded",
    "RateLimited",
    "RateLimiter",
    "Reply",
    "Resolution",
    "Resolver",
    "SQLiteCache",
    "SaveFailed",
    "SaveTimeout",
    "Snapshot",
    "Transport",
    "Unreachable",
    "UnsafeURL",
    "WarcWriteError",
    "WaybackService",
    "__version__",
    "check_articles",
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
