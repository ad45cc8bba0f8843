"""Resolution: follow short links to where they lead, over the shared network layer."""

from embedres.resolve.oembed import OEmbedHydrator
from embedres.resolve.resolver import DEFAULT_TTLS, Resolver, default_cache_path

__all__ = ["DEFAULT_TTLS", "OEmbedHydrator", "Resolver", "default_cache_path"]
