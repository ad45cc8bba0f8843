"""The archiver's use of embedres's HTTP layer: its transport, the public-URL check before a
save, and the hop-by-hop fetch that a local WARC capture records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from embedres.archive.warc import Exchange
from embedres.errors import CaptureFailed, UnsafeURL
from embedres.net import hops as _hops
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

    The hops are walked by :func:`embedres.net.hops.walk_through` (the resolver's walk) with
    bodies kept, in-page redirects not followed and no retries. Bodies are kept as sent
    (``Content-Encoding`` still applied) so the WARC holds what the server said; the address
    policy is checked at every hop's connect.

    Raises:
        CaptureFailed: a hop could not be fetched (``blocked``, ``timeout``, ``error``), a
            URL repeats (``loop``) or there are more than ``max_redirects`` redirects.
    """
    try:
        cache_key(url)  # the walk's loop key must be computable for the first URL
    except ValueError:
        raise CaptureFailed(f"unusable URL {url[:200]!r}", url=url) from None
    settings = _hops.Settings(
        timeout=float("inf"),
        max_redirects=max_redirects,
        max_retries=0,
        max_retry_after=0.0,
        backoff=0.0,
        in_page=False,
        keep_bodies=True,
        max_body=max_bytes,
        hop_timeout=timeout,
    )
    walk = _hops.Walk(url=url, current=url)
    result = _hops.walk_through(walk, client, settings)
    last = result.chain[-1] if result.chain else None
    if result.status in ("loop", "too_many_redirects"):
        raise CaptureFailed(result.error or result.status, status=result.status, url=url)
    if last is not None and last.status_code is None:  # no answer at the last hop
        status = result.status if result.status in ("blocked", "timeout") else "error"
        raise CaptureFailed(
            f"cannot fetch {last.url[:200]}: {result.error}", status=status, url=url
        )
    if not walk.answers:
        raise CaptureFailed(result.error or "no answer", url=url)
    if result.error and result.error.startswith("unusable redirect target"):
        raise CaptureFailed(result.error, url=url)
    return [_exchange(resp, sent) for sent, resp in walk.answers]
