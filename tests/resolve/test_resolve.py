"""Resolver protocol cases from tests/cases/resolve.json, answered by ``responses``.

``responses`` replaces the transport, so no socket is opened; names resolve through a fake
lookup (every name to one public address unless the case says otherwise). Connect-time
enforcement is tested against real loopback servers in test_resolve_e2e.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import responses

from embedres.resolve.resolver import Resolver
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "resolve.json").read_text("utf-8"))


def fake_dns(table: dict[str, list[str] | None]) -> Any:
    def lookup(host: str, port: int) -> Sequence[str]:
        answer = table.get(host, ["93.184.216.34"])
        if answer is None:
            raise OSError("Name or service not known")
        return answer

    return lookup


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def register(mock: responses.RequestsMock, routes: list[dict[str, Any]]) -> None:
    for route in routes:
        headers = dict(route.get("headers", {}))
        ctype = headers.pop("Content-Type", "text/html")
        mock.add(
            responses.GET,
            route["url"],
            status=route["status"],
            headers=headers,
            body=route.get("body", "").encode("utf-8"),
            content_type=ctype,
        )


def make(case: dict[str, Any]) -> Resolver:
    options = {"cache": None, "backoff": 0.0, "max_retry_after": 60.0, **case.get("options", {})}
    return Resolver(name_resolver=fake_dns(case.get("dns", {})), **options)


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_resolve_case(case: dict[str, Any], mock: responses.RequestsMock) -> None:
    register(mock, case["routes"])
    res = make(case).resolve(case["input"])
    exp = case["expected"]
    assert res.url == case["input"]
    if "status" in exp:
        assert res.status == exp["status"], res
    else:
        assert res.status in exp["status_in"], res
    for key in ("final_url", "canonical_url"):
        if key in exp:
            assert getattr(res, key) == exp[key], res
    if "vias" in exp:
        assert [h.via for h in res.chain] == exp["vias"], res.chain
    if "codes" in exp:
        assert [h.status_code for h in res.chain] == exp["codes"], res.chain
    if "error_contains" in exp:
        assert res.error is not None and exp["error_contains"] in res.error, res
    if "requests" in exp:
        assert len(mock.calls) == exp["requests"]
    if res.status != "ok":
        assert res.error, res
    assert res.resolved_at is not None and not res.from_cache


def test_every_status_is_exercised() -> None:
    seen = {c["expected"].get("status") for c in CASES}
    assert {"ok", "dead", "blocked", "error", "loop", "too_many_redirects"} <= seen


def test_resolve_many_dedupes_and_keeps_order(mock: responses.RequestsMock) -> None:
    register(
        mock,
        [
            {
                "url": "https://sho.rt/a",
                "status": 301,
                "headers": {"Location": "https://site.example/a"},
            },
            {"url": "https://site.example/a", "status": 200, "body": "x"},
            {"url": "https://sho.rt/b", "status": 404},
        ],
    )
    seen: list[tuple[int, int]] = []
    urls = ["https://sho.rt/a", "", "https://sho.rt/b", "https://sho.rt/a", "http://[::1"]
    got = make({}).resolve_many(urls, concurrency=3, progress=lambda d, t: seen.append((d, t)))
    assert [r.url for r in got] == urls
    assert [r.status for r in got] == ["ok", "error", "dead", "ok", "error"]
    assert len(mock.calls) == 3  # the duplicate was resolved once
    assert seen[-1] == (4, 4) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_user_agent_is_honest_by_default_and_configurable(mock: responses.RequestsMock) -> None:
    register(mock, [{"url": "https://site.example/", "status": 200, "body": "x"}])
    make({}).resolve("https://site.example/")
    make({"options": {"user_agent": "probe/2"}}).resolve("https://site.example/")
    agents = [c.request.headers["User-Agent"] for c in mock.calls]
    assert agents[0].startswith("embedres/") and agents[1] == "probe/2"


def test_no_credentials_or_cookies_cross_hops(mock: responses.RequestsMock) -> None:
    register(
        mock,
        [
            {
                "url": "https://sho.rt/a",
                "status": 302,
                "headers": {"Location": "https://site.example/", "Set-Cookie": "a=1"},
            },
            {"url": "https://site.example/", "status": 200, "body": "x"},
        ],
    )
    make({}).resolve("https://sho.rt/a")
    sent = mock.calls[1].request.headers
    assert "Cookie" not in sent and "Authorization" not in sent


def test_parked_links_do_not_hold_the_only_worker(mock: responses.RequestsMock) -> None:
    """With one worker, a link told to wait (Retry-After: 1) is parked while others proceed."""
    wait = {"Retry-After": "1"}
    register(
        mock,
        [
            {"url": "https://slow.example/", "status": 429, "headers": wait},
            {"url": "https://slow.example/", "status": 200, "body": "x"},
        ],
    )
    others = [f"https://fast.example/{i}" for i in range(5)]
    register(mock, [{"url": u, "status": 200, "body": "x"} for u in others])
    finished: list[str] = []
    r = make({})
    real_store = r._store

    def store(walk: Any) -> Any:
        finished.append(walk.url)
        return real_store(walk)

    r._store = store  # type: ignore[method-assign]
    got = r.resolve_many(["https://slow.example/", *others], concurrency=1)
    assert [g.status for g in got] == ["ok"] * 6
    assert finished[-1] == "https://slow.example/"  # everything else ran during its wait
    assert [c.request.url for c in mock.calls][:2] == ["https://slow.example/", others[0]]


def test_a_failing_progress_callback_stops_the_batch(mock: responses.RequestsMock) -> None:
    urls = [f"https://site.example/{i}" for i in range(30)]
    register(mock, [{"url": u, "status": 200, "body": "x"} for u in urls])

    def progress(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        make({}).resolve_many(urls, concurrency=4, progress=progress)
    assert len(mock.calls) < len(urls)
