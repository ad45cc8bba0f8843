"""The ArchiveError subtree: drawn in the errors docstring, exported, carrying data."""

from __future__ import annotations

import inspect

import pytest

import embedres
from embedres import errors


def _archive_errors() -> list[type[errors.ArchiveError]]:
    return [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.ArchiveError) and cls is not errors.ArchiveError
    ]


def test_every_archive_error_is_drawn_and_exported() -> None:
    found = _archive_errors()
    assert len(found) >= 9
    doc = errors.__doc__ or ""
    for cls in found:
        assert f"── {cls.__name__}" in doc, cls.__name__
        assert cls.__name__ in embedres.__all__ and getattr(embedres, cls.__name__) is cls


@pytest.mark.parametrize(
    ("cls", "kwargs", "transient"),
    [
        (errors.RateLimited, {"retry_after": 3.0}, True),
        (errors.QuotaExceeded, {"kind": "user-session-limit"}, False),
        (errors.SaveFailed, {"kind": "not-found", "permanent": True}, False),
        (errors.SaveFailed, {"kind": "read-timeout"}, True),
        (errors.SaveTimeout, {"job_id": "spn2-1"}, True),
        (errors.AuthenticationFailed, {}, False),
        (errors.ArchiveUnavailable, {}, True),
        (errors.UnsafeURL, {}, False),
        (errors.CaptureFailed, {"status": "blocked"}, False),
        (errors.CaptureFailed, {"status": "timeout"}, True),
        (errors.WarcWriteError, {}, False),
    ],
)
def test_errors_carry_their_data(
    cls: type[errors.ArchiveError], kwargs: dict[str, object], transient: bool
) -> None:
    exc = cls("message", service="svc", url="https://a.example/", **kwargs)  # type: ignore[arg-type]
    assert isinstance(exc, errors.EmbedresError)
    assert exc.transient is transient
    assert (exc.service, exc.url, str(exc)) == ("svc", "https://a.example/", "message")
    for name, value in kwargs.items():
        assert getattr(exc, name) == value
