"""Archiver.save(): Save Page Now 2 answers from ``cases/archive_save.json``, address policy,
keys, anonymous saves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import responses

from embedres import ArchiveError, SaveFailed, UnsafeURL
from embedres.archive.spn import KIND_CLASS, error_for, find_keys
from tests.support.archive import (
    FakeTime,
    check_snapshot,
    error_class,
    fill,
    load_cases,
    make_archiver,
    register,
)

CASES = load_cases("archive_save.json")
KEYS = ("ACCESS", "SECRET")


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_save_case(case: dict[str, Any]) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    case = fill(case, {"now": now.strftime("%Y%m%d%H%M%S"), "now_iso": now.isoformat()})
    time = FakeTime()
    archiver = make_archiver(time, **{"keys": KEYS, **case.get("archiver", {})})
    expected = case["expected"]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, case["http"])
        if "raises" in expected:
            with pytest.raises(error_class(expected["raises"])) as info:
                archiver.save(case["call"]["url"])
            for name, want in expected.get("attrs", {}).items():
                assert getattr(info.value, name) == want, name
            assert str(info.value)  # a readable message
        else:
            check_snapshot(archiver.save(case["call"]["url"]), expected["snapshot"])
        assert len(mock.calls) == case["expected_calls"]
    if "slept_at_least" in expected:
        assert sum(time.sleeps) >= expected["slept_at_least"]


def _dns(table: dict[str, Sequence[str]]) -> Any:
    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise OSError("Name or service not known")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]:8080/x",
        "http://localhost/admin",
        "http://2130706433/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://internal.example/",
        "http://split.example/",
        "http://nxdomain.example/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://user:pw@example.com/",
    ],
)
def test_save_never_submits_internal_urls(url: str) -> None:
    dns = _dns(
        {"internal.example": ["10.1.2.3"], "split.example": ["93.184.216.34", "192.168.1.1"]}
    )
    # Even an Archiver allowed to reach private hosts itself refuses to hand them to an archive.
    archiver = make_archiver(
        FakeTime(), keys=KEYS, allow_private=True, allow_hosts=["127.0.0.1"], name_resolver=dns
    )
    with responses.RequestsMock() as mock, pytest.raises(UnsafeURL) as info:
        archiver.save(url)
    assert len(mock.calls) == 0
    assert not info.value.transient and isinstance(info.value, ValueError)


def test_anonymous_save_sends_no_authorization_and_is_paced_slower() -> None:
    time = FakeTime()
    archiver = make_archiver(time, keys=None, if_not_archived_within=None)
    ok = {
        "status": "success",
        "job_id": "spn2-a",
        "original_url": "https://example.com/",
        "timestamp": datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S"),
    }
    with responses.RequestsMock() as mock:
        mock.post("https://web.archive.org/save", json={"job_id": "spn2-a"})
        mock.get("https://web.archive.org/save/status/spn2-a", json=ok)
        archiver.save("https://example.com/")
        first = time.now
        archiver.save("https://example.com/")
        submits = [c for c in mock.calls if c.request.method == "POST"]
    assert all("Authorization" not in c.request.headers for c in submits)
    assert submits[0].request.body == "url=https%3A%2F%2Fexample.com%2F"
    # the second submission waited for the anonymous slot (30 s after the first)
    assert time.now - first >= 30 - 5


def test_keys_from_environment_then_ia_ini(tmp_path: Path) -> None:
    env = {"IAS3_ACCESS_KEY": "a1", "IAS3_SECRET_KEY": "s1"}
    assert find_keys(env, tmp_path) == ("a1", "s1")
    assert find_keys(
        {"SAVEPAGENOW_ACCESS_KEY": "a2", "SAVEPAGENOW_SECRET_KEY": "s2"}, tmp_path
    ) == (
        "a2",
        "s2",
    )
    assert find_keys({"IAS3_ACCESS_KEY": "only-one"}, tmp_path) is None
    ini = tmp_path / ".config" / "internetarchive" / "ia.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[s3]\naccess = a3\nsecret = s3\n", encoding="utf-8")
    assert find_keys({}, tmp_path) == ("a3", "s3")
    bad = tmp_path / "bad.ini"
    bad.write_text("not an ini [[[", encoding="utf-8")
    assert find_keys({"IA_CONFIG_FILE": str(bad)}, tmp_path) == ("a3", "s3")


def test_archiver_reads_keys_automatically(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("IAS3_ACCESS_KEY", "envkey")
    monkeypatch.setenv("IAS3_SECRET_KEY", "envsecret")
    assert make_archiver(FakeTime(), keys="auto").keys == ("envkey", "envsecret")


@pytest.mark.parametrize("kind", sorted(KIND_CLASS))
def test_every_known_error_kind_maps_to_an_archive_error(kind: str) -> None:
    exc = error_for({"status": "error", "status_ext": f"error:{kind}"}, url="https://a.example/")
    assert isinstance(exc, ArchiveError)
    assert kind in str(exc)
    if KIND_CLASS[kind] == "permanent":
        assert isinstance(exc, SaveFailed) and exc.permanent and not exc.transient
    if KIND_CLASS[kind] == "stop":
        assert type(exc).__name__ == "QuotaExceeded" and not exc.transient
