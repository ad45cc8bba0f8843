"""Build Citation records from the JSON shape of tests/cases/cite_*.json."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from embedres import Citation
from embedres.model import Entity, Hop, Link, Post, Resolution, Snapshot
from tests.support.paths import CASES


def _when(value: str | None) -> date | datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def _link(d: dict[str, Any]) -> Link:
    return Link(**{**d, "span": tuple(d["span"])})


def _post(d: dict[str, Any]) -> Post:
    fields = dict(d)
    fields["span"] = tuple(d["span"])
    fields["published"] = _when(d.get("published"))
    fields["links"] = tuple(_link(x) for x in d.get("links", ()))
    for name in ("hashtags", "mentions"):
        fields[name] = tuple(Entity(e["text"], tuple(e["span"])) for e in d.get(name, ()))
    for name in ("warnings", "hydrated"):
        fields[name] = tuple(d.get(name, ()))
    return Post(**fields)


def _resolution(d: dict[str, Any]) -> Resolution:
    chain = tuple(Hop(**h) for h in d.get("chain", ()))
    return Resolution(**{**d, "chain": chain})


def _snapshot(d: dict[str, Any]) -> Snapshot:
    return Snapshot(**{**d, "archived_at": datetime.fromisoformat(d["archived_at"])})


def build_citation(d: dict[str, Any]) -> Citation:
    """A Citation from the JSON shape used in tests/cases/cite_*.json."""
    return Citation(
        post=_post(d["post"]) if "post" in d else None,
        link=_link(d["link"]) if "link" in d else None,
        resolutions=tuple(_resolution(r) for r in d.get("resolutions", ())),
        snapshots=tuple(_snapshot(s) for s in d.get("snapshots", ())),
        accessed=date.fromisoformat(d["accessed"]) if "accessed" in d else None,
        warnings=tuple(d.get("warnings", ())),
        recovered_id=d.get("recovered_id"),
        recovered_url=d.get("recovered_url"),
        translation=d.get("translation"),
    )


def load_cases() -> list[dict[str, Any]]:
    """The format cases of tests/cases/cite_formats.json."""
    data = json.loads((CASES / "cite_formats.json").read_text("utf-8"))
    return list(data["cases"])
