"""embedres: detect, resolve, archive and cite social embeds and short links in articles."""

import logging

from ._version import __version__
from .citation import Citation
from .detect import extract
from .errors import ArchiveError, EmbedresError, InputError, InvalidArgument
from .model import Entity, Extraction, Hop, Link, Post, Resolution, Snapshot
from .static import replace_embeds

__all__ = [
    "ArchiveError",
    "Citation",
    "EmbedresError",
    "Entity",
    "Extraction",
    "Hop",
    "InputError",
    "InvalidArgument",
    "Link",
    "Post",
    "Resolution",
    "Snapshot",
    "__version__",
    "extract",
    "replace_embeds",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
