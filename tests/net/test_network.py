"""Network / NetworkConfig: one shared network object, built from plain picklable data."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import pytest

import embedres
from embedres import Archiver, InvalidArgument, Network, NetworkConfig, Resolver
from embedres.errors import ArchiveUnavailable, CaptureFailed
from tests.support.servers import LoopbackServer, redirect, respond


def _walk(config: NetworkConfig, url: str) -> tuple[bool, str, str, str | None, bool]:
    """Resolve ``url`` through a Network built from ``config`` (runs in a spawn child too)."""
    with config.build() as net, Resolver(network=net) as r:
        res = r.resolve(url)
        return net.offline, net.policy.fingerprint, res.status, res.final_url, res.from_cache


def test_config_is_frozen_and_pickles_to_an_equal_config(tmp_path: Path) -> None:
    config = NetworkConfig(
        cache=str(tmp_path / "c.sqlite"),
        allow_hosts=["127.0.0.1:8080"],  # type: ignore[arg-type]  # normalised to a tuple
        proxies={"https": "http://127.0.0.1:3128"},  # type: ignore[arg-type]
        user_agent="embedres-test/1",
    )
    assert config.allow_hosts == ("127.0.0.1:8080",)
    assert config.proxies == (("https", "http://127.0.0.1:3128"),)
    again = pickle.loads(pickle.dumps(config))
    assert again == config and hash(again) == hash(config)
    with pytest.raises(AttributeError):
        config.offline = True  # type: ignore[misc]


def test_path_cache_location_is_a_string(tmp_path: Path) -> None:
    config = NetworkConfig(cache=tmp_path / "c.sqlite")  # type: ignore[arg-type]
    assert config.cache == str(tmp_path / "c.sqlite")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"offline": "yes"},
        {"allow_hosts": "example.org"},
        {"allow_hosts": ["bad host:99999"]},
        {"timeout": 0},
        {"request_timeout": -1},
        {"per_host_concurrency": 0},
        {"user_agent": "a\nb"},
        {"proxies": 3},
        {"cache": ""},
        {"cache": 5},
    ],
)
def test_bad_config_fails_when_built(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        NetworkConfig(**kwargs)  # type: ignore[arg-type]


def test_network_rejects_things_that_are_not_its_parts() -> None:
    with pytest.raises(InvalidArgument):
        Network("offline")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        Network(cache=object())  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        Network(limiter=object())  # type: ignore[arg-type]


def test_a_spawned_worker_builds_an_equal_network(tmp_path: Path) -> None:
    routes = {"/s": redirect("/end", 301), "/end": respond(200)}
    with LoopbackServer(routes) as srv:
        online = NetworkConfig(
            cache=str(tmp_path / "c.sqlite"), allow_hosts=(f"127.0.0.1:{srv.port}",)
        )
        here = _walk(online, srv.url("/s"))
        assert here[2:] == ("ok", srv.url("/end"), False)
        offline = NetworkConfig(cache=online.cache, allow_hosts=online.allow_hosts, offline=True)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            there = pool.apply(_walk, (pickle.loads(pickle.dumps(offline)), srv.url("/s")))
    # same policy, answered from the shared cache without a socket
    assert there == (True, here[1], "ok", srv.url("/end"), True)


def test_resolver_and_archiver_share_one_network() -> None:
    with NetworkConfig(cache=None, offline=True).build() as net:
        r, a = Resolver(network=net), Archiver(network=net, keys=None)
        assert r.network is net and a.network is net and r.http is a._http()
        assert r.resolve("https://t.co/x").status == "offline"
        r.close()
        a.close()
        assert net.http is not None  # closing a borrower leaves the network usable


def test_network_with_other_network_options_is_refused() -> None:
    with Network(NetworkConfig(cache=None)) as net:
        with pytest.raises(InvalidArgument, match="allow_private"):
            Resolver(network=net, allow_private=True)
        with pytest.raises(InvalidArgument, match="user_agent"):
            Archiver(network=net, user_agent="x/1", keys=None)
        with pytest.raises(InvalidArgument):
            Resolver(network="net")  # type: ignore[arg-type]


def test_offline_archiver_makes_no_request(tmp_path: Path) -> None:
    def no_transport(*args: object, **kwargs: object) -> object:
        raise AssertionError("offline archiver sent a request")

    with Archiver(
        offline=True,
        keys=None,
        transport=no_transport,
        warc_dir=tmp_path,  # type: ignore[arg-type]
    ) as a:
        assert a.offline
        with pytest.raises(ArchiveUnavailable, match="offline"):
            a.lookup("https://example.org/")
        with pytest.raises(ArchiveUnavailable, match="offline"):
            a.save("https://example.org/")
        with pytest.raises(CaptureFailed) as info:
            a.capture("https://example.org/")
        assert info.value.status == "offline"
    assert list(tmp_path.iterdir()) == []


def test_cite_with_an_offline_archiver_gives_a_warning_not_an_exception() -> None:
    text = "https://twitter.com/jack/status/20"
    with Archiver(offline=True, keys=None) as a:
        (c,) = embedres.cite(text, resolve=False, archive="lookup", archiver=a)
    assert c.snapshots == () and any(w.startswith("not archived: offline") for w in c.warnings)
    (c,) = embedres.cite(text, resolve=False, archive="save", offline=True)
    assert any(w.startswith("not archived: offline") for w in c.warnings)


def test_public_constructor_types_are_exported() -> None:
    for name in ("Cache", "RateLimiter", "Transport", "Network", "NetworkConfig", "CacheError"):
        assert name in embedres.__all__


def test_archiver_paces_with_a_limiter_shared_through_the_network() -> None:
    import contextlib

    from embedres import EmbedresError, HostLimits, InProcessRateLimiter, Reply

    asked: list[str] = []

    class Recording(InProcessRateLimiter):
        def try_acquire(self, key: str) -> float | None:
            asked.append(key)
            return super().try_acquire(key)

    def transport(method: str, url: str, **kwargs: object) -> Reply:
        return Reply(status=200, body=b"", url=url)

    limiter = Recording(HostLimits())
    with Network(NetworkConfig(cache=None), limiter=limiter) as net:
        a = Archiver(network=net, keys=None, transport=transport)  # type: ignore[arg-type]
        with contextlib.suppress(EmbedresError):
            a.lookup("https://example.org/")
        a.close()
    assert asked and all(k.endswith(":read") for k in asked)
    assert asked[0].startswith("web.archive.org")


def test_a_dsn_password_never_shows_in_reprs() -> None:
    """NetworkConfig and BatchOptions travel to workers and get logged: no password in them."""
    from embedres.batch import BatchOptions
    from embedres.net.network import NetworkConfig

    for dsn in ("postgresql://app:s3cret@db/x", "postgresql://app@db/x?password=s3cret"):
        for obj in (NetworkConfig(cache=dsn), BatchOptions(cache=dsn)):
            text = repr(obj)
            assert "s3cret" not in text and "db/x" in text, text
            assert obj.cache == dsn  # the value itself is untouched
    assert "cache='/tmp/c.sqlite'" in repr(NetworkConfig(cache="/tmp/c.sqlite"))


@pytest.mark.parametrize("field", ["timeout", "request_timeout", "per_host_interval"])
@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_infinite_and_nan_times_are_refused(field: str, value: float) -> None:
    """``timeout=inf`` used to crash the client's watchdog thread with OverflowError."""
    from embedres.errors import InvalidArgument
    from embedres.net.network import NetworkConfig

    with pytest.raises(InvalidArgument, match=field):
        NetworkConfig(**{field: value})
