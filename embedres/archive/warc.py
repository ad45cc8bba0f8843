"""Local WARC/1.1 files written with warcio: safe names, rotation, whole gzip members.

Layout and durability rules (``security.md`` 2.9 and R15):

* A file is written under ``NAME.warc.gz.open`` in the target directory and renamed to
  ``NAME.warc.gz`` only when it is closed (after ``fsync``; the directory is synced after the
  rename). A crash or kill leaves at most a ``.open`` file, never a truncated finished file.
* Each record is its own gzip member. All records of one capture (``request`` and
  ``response`` for every hop of the redirect chain) are built in memory, then appended with
  one ``write`` and synced, so a file never holds half a capture unless the process dies
  during that write, and then only in the ``.open`` file.
* Every file starts with a ``warcinfo`` record. When a file reaches ``max_size`` it is closed
  and the next capture starts a new one.
* Names carry the time, the process id, a random part and a serial, so writers in several
  processes can share a directory; inside a process a lock serialises writers.
* Bodies are stored as received on the wire except for transfer framing: a chunked body is
  stored de-chunked, and the record's HTTP headers then say ``Content-Length`` instead of
  ``Transfer-Encoding: chunked`` (readers disagree on verbatim chunked records,
  webrecorder/pywb#584). A body cut at the size cap carries ``WARC-Truncated: length``.
"""

from __future__ import annotations

import io
import os
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from embedres._version import __version__
from embedres.errors import WarcWriteError

__all__ = ["Exchange", "WarcFiles", "WrittenCapture"]

# 1 GB is the customary WARC file size (Heritrix and wget defaults are close to it).
DEFAULT_MAX_SIZE = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its response: one hop of a capture."""

    url: str
    method: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: datetime
    http_version: str = "HTTP/1.1"
    truncated: bool = False
    ip: str | None = None
    request_line: str | None = None
    """The request line exactly as sent (rebuilt from ``method`` and ``url`` when None)."""


@dataclass(frozen=True, slots=True)
class WrittenCapture:
    """Where a capture went and what its last response looked like."""

    path: Path
    """The file's final name (it holds ``.open`` until the file is closed)."""
    payload_digest: str | None
    """``sha1:BASE32`` of the last response's payload."""
    record_ids: tuple[str, ...]
    """The ``WARC-Record-ID`` of every record written, in order."""


def _request_line(ex: Exchange) -> str:
    if ex.request_line:
        return ex.request_line
    parts = urlsplit(ex.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{ex.method} {target} {ex.http_version}"


def _request_headers(ex: Exchange) -> list[tuple[str, str]]:
    headers = list(ex.request_headers)
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", urlsplit(ex.url).netloc))
    return headers


def _response_headers(ex: Exchange) -> list[tuple[str, str]]:
    out = []
    chunked = False
    for name, value in ex.response_headers:
        low = name.lower()
        if low == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
            continue
        if chunked and low == "content-length":
            continue
        out.append((name, value))
    if chunked or ex.truncated:
        out = [(n, v) for n, v in out if n.lower() != "content-length"]
        out.append(("Content-Length", str(len(ex.body))))
    return out


def build_records(writer: WARCWriter, exchanges: Sequence[Exchange]) -> list[tuple[str, str]]:
    """Write request+response records of ``exchanges`` through ``writer``.

    Returns:
        ``(record id, payload digest)`` for every record written, in order.
    """
    written = []
    for ex in exchanges:
        when = ex.fetched_at.astimezone(timezone.utc).replace(tzinfo=None)
        date = datetime_to_iso_date(when, use_micros=True)
        warc_headers = {"WARC-Date": date}
        if ex.ip:
            warc_headers["WARC-IP-Address"] = ex.ip
        if ex.truncated:
            warc_headers["WARC-Truncated"] = "length"  # WARC 1.1 section 5.13
        http = StatusAndHeaders(
            f"{ex.status} {ex.reason}".strip(), _response_headers(ex), protocol=ex.http_version
        )
        response = writer.create_warc_record(
            ex.url,
            "response",
            payload=io.BytesIO(ex.body),
            length=len(ex.body),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
        req_http = StatusAndHeaders(
            _request_line(ex), _request_headers(ex), protocol="", is_http_request=True
        )
        request = writer.create_warc_record(
            ex.url, "request", http_headers=req_http, warc_headers_dict={"WARC-Date": date}
        )
        writer.write_request_response_pair(request, response)
        for record in (request, response):
            written.append(
                (
                    record.rec_headers.get_header("WARC-Record-ID"),
                    record.rec_headers.get_header("WARC-Payload-Digest") or "",
                )
            )
    return written


class WarcFiles:
    """A rotating set of WARC files in one directory, safe for threads and processes.

    Args:
        directory: where the files go (created if missing).
        prefix: the start of every file name.
        max_size: close a file once it holds at least this many bytes.

    Raises:
        WarcWriteError: the directory cannot be created.
    """

    def __init__(
        self, directory: str | os.PathLike[str], *, prefix: str, max_size: int = DEFAULT_MAX_SIZE
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self._lock = threading.Lock()
        self._serial = 0
        self._file: BinaryIO | None = None
        self._final: Path | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarcWriteError(
                f"cannot create WARC directory {str(directory)!r}: {exc.strerror or exc}",
                service="warc",
            ) from None

    def _open(self) -> tuple[BinaryIO, Path]:
        self._serial += 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        name = f"{self.prefix}-{stamp}-{os.getpid()}-{secrets.token_hex(3)}-{self._serial:05d}"
        final = self.directory / f"{name}.warc.gz"
        fh = open(f"{final}.open", "xb")  # noqa: SIM115 - kept open across captures
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True, warc_version="1.1")
        info = {
            "software": f"embedres/{__version__} (warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
        }
        writer.write_record(writer.create_warcinfo_record(final.name, info))
        fh.write(buf.getvalue())
        self._file, self._final = fh, final
        return fh, final

    def write(self, exchanges: Sequence[Exchange]) -> WrittenCapture:
        """Append one capture (every hop) to the current file, opening or rotating as needed.

        Raises:
            WarcWriteError: the file cannot be created or written (disk full, permissions).
        """
        buf = io.BytesIO()
        records = build_records(WARCWriter(buf, gzip=True, warc_version="1.1"), exchanges)
        with self._lock:
            try:
                if self._file is None or self._final is None:
                    fh, final = self._open()
                else:
                    fh, final = self._file, self._final
                fh.write(buf.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
                if fh.tell() >= self.max_size:
                    self._close_locked()
            except OSError as exc:
                raise WarcWriteError(
                    f"cannot write WARC file in {str(self.directory)!r}: {exc.strerror or exc}",
                    service="warc",
                ) from None
        return WrittenCapture(
            path=final,
            payload_digest=records[-1][1] or None if records else None,
            record_ids=tuple(r[0] for r in records),
        )

    def _close_locked(self) -> None:
        fh, final = self._file, self._final
        self._file = self._final = None
        if fh is None or final is None:
            return
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.replace(f"{final}.open", final)
        try:
            dir_fd = os.open(self.directory, os.O_RDONLY)
        except OSError:
            return  # some platforms cannot open directories; the rename is still done
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def close(self) -> None:
        """Finish the current file: sync it and give it its final name. Safe to call twice.

        Raises:
            WarcWriteError: the file cannot be synced or renamed.
        """
        with self._lock:
            try:
                self._close_locked()
            except OSError as exc:
                raise WarcWriteError(
                    f"cannot finish WARC file: {exc.strerror or exc}", service="warc"
                ) from None
