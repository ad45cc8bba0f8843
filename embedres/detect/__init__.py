"""Detection (pure, offline, deterministic): entities, URLs, markup, dates and posts in a text.

:func:`extract` is the entry point; the modules here are its parts (see docs/architecture.md).
``extract`` and ``MAX_INPUT_CHARS`` are loaded on first use: the platform modules import this
package's primitives (markup, found, dates), and the extractor imports the platforms, so an
eager import here would make a cycle.
"""

__all__ = ["MAX_INPUT_CHARS", "extract"]


def __getattr__(name: str) -> object:
    """Load :func:`extract` and ``MAX_INPUT_CHARS`` from the extractor on first access."""
    if name in __all__:
        from embedres.detect import extractor

        return getattr(extractor, name)
    raise AttributeError(f"module 'embedres.detect' has no attribute {name!r}")
