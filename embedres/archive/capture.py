"""The archiver's use of embedres's HTTP layer: its transport, the public-URL check before a
save, and the hop-by-hop fetch that a local WARC capture records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from embedres.archive.warc import Exchange
from embedres.errors import CaptureFailed, UnsafeURL
from embedres.net import redirects as _redirects
from embedres.net.client import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HttpClient,
    HttpResponse,
    NameResolver,
)
from embedres.net.hops import cache_key
from embedres.net.httpio import lookup_with_timeout, system_resolver
from embedres.net.policy import AddressPolicy, parse_ip_literal
from embedres.net.transport import Reply, Transport, Unreachable

__all__ = ["check_public", "fetch_chain", "http_transport"]

# CDX pages, TimeMaps and SPN answers are small, but a popular URL's TimeMap can run to
# megabytes; more than this is not read.
_API_MAX_BODY = 16 * 2**20


def _status_of(exc: FetchError) -> str:
    if isinstance(exc, BlockedAddress):
        return "blocked"
    if isinstance(exc, FetchTimeout):
        return "timeout"
    return "error"


def http_transport(client: HttpClient) -> Transport:
    """A :class:`~embedres.net.transport.Transport` over ``client`` (policy checked per connect)."""

    def send(
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        data: Mapping[str, str] | None = None,
        timeout: float,
    ) -> Reply:
        try:
            resp = client.request(
                method,
                url,
                headers=headers,
                data=dict(data) if data is not None else None,
                read="all",
                max_body=_API_MAX_BODY,
                timeout=timeout,
            )
        except FetchError as exc:
            raise Unreachable(str(exc), status=_status_of(exc)) from None
        return Reply(
            status=resp.status,
            headers={k.lower(): v for k, v in resp.headers.items()},
            body=resp.body,
            url=resp.url,
        )

    return send


def check_public(url: str, resolver: NameResolver | None, *, timeout: float) -> None:
    """Refuse a URL that the strict default policy would not fetch (before a save).

    The host is looked up once; every address must be public. A third-party archive must
    never be handed an internal URL, even when this Archiver may contact internal hosts.

    Raises:
        UnsafeURL: why the URL is refused.
    """
    policy = AddressPolicy()
    reason = policy.url_refusal(url)
    if reason is None:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        if parse_ip_literal(host)[0] is None:
            try:
                addresses: Sequence[str] = lookup_with_timeout(
                    resolver or system_resolver, host, port, timeout
                )
            except (OSError, TimeoutError, UnicodeError) as exc:
                addresses, reason = (), f"host {host} does not resolve ({exc})"
            refusals = [policy.address_refusal(host, port, a) for a in addresses]
            reason = reason or next((r for r in refusals if r), None)
            if not addresses and reason is None:
                reason = f"host {host} has no address"
    if reason is not None:
        raise UnsafeURL(f"not submitted to an archive: {reason}", service="spn2", url=url)


def _exchange(resp: HttpResponse, started: datetime) -> Exchange:
    head = resp.request_head.decode("latin-1").split("\r\n")
    headers = []
    for line in head[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip(), value.strip()))
    return Exchange(
        url=resp.url,
        method=head[0].split(" ", 1)[0] or "GET",
        request_headers=tuple(headers),
        status=resp.status,
        reason=resp.reason,
        response_headers=tuple(resp.header_lines),
        body=resp.body,
        fetched_at=started,
        http_version=resp.http_version,
        truncated=resp.truncated,
        ip=resp.peer,
        request_line=head[0] or None,
    )


def fetch_chain(
    client: HttpClient, url: str, *, max_redirects: int, max_bytes: int, timeout: float
) -> list[Exchange]:
    """GET ``url`` and each redirect target in turn, keeping every full (capped) response.

    Bodies are kept as sent (``Content-Encoding`` still applied) so the WARC holds what the
    server said; the address policy is checked at every hop's connect.

    Raises:
        CaptureFailed: a hop could not be fetched (``blocked``, ``timeout``, ``error``), a
            URL repeats (``loop``) or there are more than ``max_redirects`` redirects.
    """
    exchanges: list[Exchange] = []
    seen: set[str] = set()
    current = url
    for _ in range(max_redirects + 1):
        try:
            key = cache_key(current)  # the resolver's loop key: one idea of "the same URL"
        except ValueError:
            raise CaptureFailed(f"unusable URL {current[:200]!r}", url=url) from None
        if key in seen:
            raise CaptureFailed(f"redirect loop at {current[:200]}", status="loop", url=url)
        seen.add(key)
        started = datetime.now(timezone.utc)
        try:
            resp = client.request(
                "GET", current, read="all", max_body=max_bytes, timeout=timeout, decode=False
            )
        except FetchError as exc:
            raise CaptureFailed(
                f"cannot fetch {current[:200]}: {exc}", status=_status_of(exc), url=url
            ) from None
        exchanges.append(_exchange(resp, started))
        location = _redirects.location(resp.headers)
        if not _redirects.is_redirect(resp.status, resp.headers) or not location:
            return exchanges
        current = urljoin(current, location)
    raise CaptureFailed(
        f"more than {max_redirects} redirects", status="too_many_redirects", url=url
    )
