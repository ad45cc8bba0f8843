"""Shared helpers of the archiver tests: fake time, fake DNS, and ``responses`` fixtures
loaded from ``tests/cases/archive*.json``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import responses
from responses import matchers

from embedres import errors
from embedres.archive.archiver import Archiver
from embedres.model import Snapshot
from tests.support.paths import CASES


def load_cases(name: str) -> list[dict[str, Any]]:
    """The cases of ``tests/cases/<name>``, each with a ``description``."""
    cases: list[dict[str, Any]] = json.loads((CASES / name).read_text(encoding="utf-8"))
    assert cases and all("description" in c for c in cases)
    return cases


class FakeTime:
    """A monotonic clock that only moves when ``sleep`` is called; sleeps are recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def public_dns(host: str, port: int) -> Sequence[str]:
    """Every name resolves to one public (documentation-free, global) address; never used
    to connect, since ``responses`` answers before any socket."""
    return ["93.184.216.34"]


def make_archiver(time: FakeTime, **options: Any) -> Archiver:
    """An Archiver with fake time and DNS and no keys unless given."""
    options.setdefault("keys", None)
    options.setdefault("name_resolver", public_dns)
    return Archiver(clock=time.clock, sleep=time.sleep, **options)


def register(mock: responses.RequestsMock, exchanges: Sequence[dict[str, Any]]) -> None:
    """Register fixture exchanges in order (the same URL answers them in turn)."""
    for ex in exchanges:
        match: list[Any] = []
        if "query" in ex:
            match.append(matchers.query_param_matcher(ex["query"], strict_match=False))
        if "form" in ex:
            match.append(matchers.urlencoded_params_matcher(ex["form"], allow_blank=True))
        if "request_headers" in ex:
            match.append(matchers.header_matcher(ex["request_headers"]))
        kwargs: dict[str, Any] = {
            "status": ex.get("status", 200),
            "headers": ex.get("headers", {}),
            "match": match,
        }
        if "json" in ex:
            kwargs["json"] = ex["json"]
        else:
            kwargs["body"] = ex.get("body", "")
        mock.add(ex.get("method", "GET"), ex["url"], **kwargs)


def parse_when(text: str | None) -> date | datetime | None:
    """An ISO date or datetime from a case file."""
    if text is None:
        return None
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)


def check_snapshot(snap: Snapshot | None, expected: dict[str, Any] | None) -> None:
    """Compare a Snapshot with the expected fields of a case (``archived_at`` as ISO)."""
    if expected is None:
        assert snap is None
        return
    assert snap is not None
    for name, want in expected.items():
        got = getattr(snap, name)
        if name == "archived_at":
            got = got.isoformat()
        assert got == want, (name, got, want)


def error_class(name: str) -> type[Exception]:
    """An embedres exception class by name."""
    cls = getattr(errors, name)
    assert isinstance(cls, type) and issubclass(cls, Exception)
    return cls


def fill(value: Any, marks: dict[str, str]) -> Any:
    """Replace ``{name}`` marks in every string of a case (``{now}``: the current time)."""
    if isinstance(value, str):
        for name, text in marks.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, list):
        return [fill(v, marks) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, marks) for k, v in value.items()}
    return value
