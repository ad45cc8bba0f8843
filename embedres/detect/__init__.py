"""Detection (pure, offline, deterministic): entities, URLs, markup, dates and posts in a text.

:func:`extract` is the entry point; the modules here are its parts (see docs/architecture.md).
"""

from embedres.detect.extractor import MAX_INPUT_CHARS, extract

__all__ = ["MAX_INPUT_CHARS", "extract"]
