"""Fuzz target: the cache decoder, on a damaged file and on damaged stored values.

Mode 0 writes the input as the whole cache file: opening it must work (the file is moved aside
and rebuilt) or raise the documented ``CacheError``; it must then answer. Mode 1 stores the
input as the value column of a valid entry: ``get`` must return a JSON value or None, and the
resolver's record decoder (``_resultjson.from_json``) must turn it into a ``Resolution`` that
survives a round trip, or a miss (None).
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from _common import instrumented, main, text_of

with instrumented():
    from embedres.model import Resolution
    from embedres.net import cache as _cache
    from embedres.resolve.records import from_json, to_json

_TMP = Path(tempfile.mkdtemp(prefix="embedres-fuzz-cache-"))


def _whole_file(data: bytes) -> None:
    path = _TMP / "file.sqlite"
    for suffix in ("", "-wal", "-shm", ".corrupt"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.write_bytes(data)
    try:
        cache = _cache.SQLiteCache(path)
    except _cache.CacheError:
        return
    try:
        if cache.get("ns", "k") is not None and data[:16] != b"SQLite format 3\x00":
            raise AssertionError("a value came out of a file that is not a database")
        cache.put("ns", "k", {"v": 1}, ttl=60)
    finally:
        cache.close()


def _stored_value(data: bytes) -> None:
    path = _TMP / "value.sqlite"
    cache = _cache.SQLiteCache(path)
    try:
        db = sqlite3.connect(path)
        try:
            db.execute(
                "INSERT OR REPLACE INTO entries (namespace, key, value, expires) VALUES (?,?,?,?)",
                (
                    "ns",
                    "k",
                    text_of(data).encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
                    1e12,
                ),
            )
            db.commit()
        finally:
            db.close()
        value = cache.get("ns", "k")
        res = from_json(value)  # the resolver's decoder of stored Resolutions
        if res is not None:
            if not isinstance(res, Resolution):
                raise AssertionError(f"from_json gave {type(res).__name__}")
            again = from_json(to_json(res))
            if again != res:
                raise AssertionError(f"round trip changed {res!r} into {again!r}")
    finally:
        cache.close()


def fuzz_one(data: bytes) -> None:
    """Open a cache made of the input, or read a value made of it."""
    if data[:1] == b"\x00":
        _whole_file(data[1:])
    else:
        _stored_value(data[1:])


if __name__ == "__main__":
    main(fuzz_one)  # run_all.sh points TMPDIR at its scratch directory and removes it
