"""The exceptions embedres raises.

Network outcomes are data (a :class:`~embedres.model.Resolution` status), not exceptions;
exceptions are for misuse and for failures a caller must act on::

    EmbedresError
     ├── InvalidArgument(EmbedresError, ValueError)   bad option or argument, raised eagerly
     ├── InputError(EmbedresError, ValueError)        input that cannot be read or decoded
     └── ArchiveError(EmbedresError)                  an archive service refused or failed
          (subclasses are defined and documented beside the archiver; see embedres.archive)
"""

from __future__ import annotations

__all__ = ["ArchiveError", "EmbedresError", "InputError", "InvalidArgument"]


class EmbedresError(Exception):
    """Base class of every exception embedres raises on purpose."""


class InvalidArgument(EmbedresError, ValueError):
    """An option or argument is out of range or of the wrong kind."""


class InputError(EmbedresError, ValueError):
    """Input text, HTML or a batch record cannot be read."""


class ArchiveError(EmbedresError):
    """An archive service (Wayback, Save Page Now, a WARC file) failed."""
