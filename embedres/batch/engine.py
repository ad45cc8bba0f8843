"""The engine-neutral half of a distributed batch: part files, resume, the final output.

A run is a list of input :class:`~embedres.batch.sources.Part` s. :func:`cite_part` (a plain
function of picklable arguments, which any engine's worker calls) cites one part and writes
``part-INDEX.jsonl`` through a temporary file and an atomic rename, so a part file is there
whole or not at all; an existing part is not redone. That gives the guarantees:

* **exactly once**: a task retried after a worker died rewrites the same part with the same
  bytes; a part never holds a record twice and the output never holds a part twice;
* **resume**: after the driver dies, the same command skips the finished parts, and the shared
  cache answers the links of the parts that were in flight;
* **same bytes**: the parts, concatenated in order, are the local engine's output.

Output ``OUT`` is a file (the parts live in ``OUT.parts/`` until they are concatenated into
``OUT``) or a directory (``OUT/`` ends with a slash or exists: the parts stay, with
``manifest.json``). The driver holds only counts, so its memory does not grow with the input.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from embedres._version import __version__
from embedres.batch.jsonl import BLANK, MAX_RECORD, id_key, read_results
from embedres.batch.options import BatchOptions, BatchReport
from embedres.batch.records import Session, result_of
from embedres.batch.sources import Part, plan, read_part
from embedres.errors import InputError

__all__ = ["Layout", "PartCounts", "cite_part", "run_parts"]

PART_SIZE = 2000
"""Records per part by default: small enough to spread, big enough to amortise a task."""

Mapper = Callable[[Iterator[Part], "Layout", BatchOptions], Iterator["PartCounts"]]
"""An engine: cites every part (in any order) and yields their counts."""


@dataclass(frozen=True, slots=True)
class PartCounts:
    """What one part held (``BatchReport`` fields), returned by a worker to the driver."""

    index: int
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    partial: int = 0


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the parts of a run go (picklable: workers get a copy)."""

    parts_dir: str
    """The directory of ``part-INDEX.jsonl`` files."""
    max_record: int = MAX_RECORD
    """The longest accepted JSONL line."""
    skip_file: str | None = None
    """A file of the ids already in an existing output file (resume), one :func:`id_key` a
    line. A path, not the ids: every task gets a pickled copy of the layout, and a resume over
    a million results would otherwise ship megabytes with each task."""

    def part_path(self, index: int) -> str:
        """The final path of part ``index``."""
        return os.path.join(self.parts_dir, f"part-{index:05d}.jsonl")

    def skip(self) -> frozenset[str]:
        """The ids in :attr:`skip_file` (read once per worker process)."""
        if self.skip_file is None:
            return frozenset()
        stat = os.stat(self.skip_file)
        key = (self.skip_file, stat.st_mtime_ns, stat.st_size)
        if key not in _SKIP_CACHE:
            with open(self.skip_file, encoding="utf-8", newline="\n") as fh:
                ids = frozenset(line.rstrip("\n") for line in fh)
            _SKIP_CACHE.clear()  # one run's ids at a time
            _SKIP_CACHE[key] = ids
        return _SKIP_CACHE[key]


_SKIP_CACHE: dict[tuple[str, int, int], frozenset[str]] = {}


def _write_skip_file(parts_dir: str, ids: Iterable[str]) -> str:
    """Write the ids of a resume to ``parts_dir/skip.txt`` (atomically); its path."""
    path = os.path.join(parts_dir, "skip.txt")
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(key + "\n" for key in ids)  # an id_key is JSON text: no newline in it
    os.replace(path + ".tmp", path)
    return path


def _recount(path: str, index: int) -> PartCounts:
    counts = {"ok": 0, "failed": 0}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            counts["ok" if json.loads(line).get("status") == "ok" else "failed"] += 1
    return PartCounts(index, **counts)


class _Skip:
    """The ids not to cite in a part: those of the output already, and those seen in it."""

    __slots__ = ("done", "seen")

    def __init__(self, done: frozenset[str]) -> None:
        self.done = done
        self.seen: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return key in self.seen or key in self.done


def cite_part(part: Part, layout: Layout, options: BatchOptions) -> PartCounts:
    """Cite one part into its part file (atomically); an existing part file is not redone.

    Args:
        part: the slice of input.
        layout: where part files go.
        options: the batch options (each call builds its own resolver from them).

    Returns:
        The counts of the part.

    Raises:
        InputError: the part cannot be read or written.
    """
    final = layout.part_path(part.index)
    if os.path.exists(final):
        return _recount(final, part.index)
    counts = {"ok": 0, "failed": 0, "skipped": 0, "partial": 0}
    tmp = f"{final}.{uuid.uuid4().hex}.tmp"
    skip = _Skip(layout.skip())
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out, Session(options) as session:
            for number, rec in read_part(part, layout.max_record):
                result = None if rec is BLANK else result_of(session, number, rec, skip)
                if result is not None:
                    skip.seen.add(id_key(result.record["id"]))  # a duplicate id later is skipped
                    counts["ok" if result.ok else "failed"] += 1
                    counts["partial"] += result.partial
                    out.write(json.dumps(result.record, ensure_ascii=False) + "\n")
                elif rec is not BLANK:
                    counts["skipped"] += 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)  # a retried task writes the same bytes: still exactly once
    except OSError as exc:
        raise InputError(f"cannot write {final!r}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return PartCounts(part.index, **counts)


def _fingerprint(source: Any, options: BatchOptions, part_size: int) -> dict[str, Any]:
    opts = {k: (str(v) if v is not None else None) for k, v in _options_dict(options).items()}
    digest = hashlib.sha256(json.dumps(opts, sort_keys=True).encode()).hexdigest()[:16]
    return {"input": os.fspath(source), "part_size": part_size, "options": digest}


def _options_dict(options: BatchOptions) -> dict[str, Any]:
    return {name: getattr(options, name) for name in options.__dataclass_fields__}


def _check_plan(parts_dir: str, stamp: dict[str, Any]) -> None:
    """Refuse to mix the parts of two different runs in one place."""
    path = os.path.join(parts_dir, "plan.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            old = json.load(fh)
        if old != stamp:
            raise InputError(
                f"{parts_dir} holds parts of a run with other input or options; "
                "remove it to start over"
            )
        return
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(stamp, fh)
    os.replace(path + ".tmp", path)


def run_parts(
    mapper: Mapper,
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    options: BatchOptions,
    *,
    part_size: int = PART_SIZE,
    max_record: int = MAX_RECORD,
    progress: Callable[[int, int | None], None] | None = None,
) -> BatchReport:
    """Plan ``source``, let ``mapper`` cite the parts, then write ``out`` (see the module).

    Raises:
        InputError: the input cannot be read, or the output written.
    """
    target = os.fspath(out)
    as_dir = target.endswith(("/", os.sep)) or os.path.isdir(target)
    # Workers (another machine, or a `dask worker` started elsewhere) have their own working
    # directory: they get absolute paths.
    target, source = os.path.abspath(target), os.path.abspath(os.fspath(source))
    parts_dir = target if as_dir else target + ".parts"
    if not as_dir and _finish_concatenation(target, parts_dir):
        earlier = read_results(target, max_record)
        return BatchReport(skipped=len(earlier), earlier_failed=_errors(earlier))
    try:
        os.makedirs(parts_dir, exist_ok=True)
        stamp = _fingerprint(source, options, part_size)
        _check_plan(parts_dir, stamp)
    except OSError as exc:
        raise InputError(f"cannot write {parts_dir!r}: {exc.strerror or exc}") from None
    earlier = read_results(target, max_record) if not as_dir else {}
    try:
        skip_file = _write_skip_file(parts_dir, earlier) if earlier else None
    except OSError as exc:
        raise InputError(f"cannot write {parts_dir!r}: {exc.strerror or exc}") from None
    layout = Layout(parts_dir, max_record, skip_file)
    totals = {"ok": 0, "failed": 0, "skipped": 0, "partial": 0}
    parts: list[int] = []
    done = 0
    if progress is not None:
        progress(0, None)
    for counts in mapper(plan(source, part_size), layout, options):
        parts.append(counts.index)
        for name in totals:
            totals[name] += getattr(counts, name)
        done += counts.ok + counts.failed + counts.skipped
        if progress is not None:
            progress(done, None)
    parts.sort()
    _drop_duplicates(layout, parts, totals)
    if as_dir:
        _write_manifest(parts_dir, layout, parts, stamp, totals)
    else:
        _concatenate(target, layout, parts)
    # As the local engine: error records left from an earlier run make the exit status 1.
    return BatchReport(**totals, earlier_failed=_errors(earlier))


def _errors(results: dict[str, str]) -> int:
    return sum(status == "error" for status in results.values())


def _drop_duplicates(layout: Layout, parts: list[int], totals: dict[str, int]) -> None:
    """Keep only the first result of each id across the parts, as the local engine does
    (issue #14: a duplicate id is processed once); a part is rewritten atomically, so a crash
    here leaves parts that a rerun deduplicates again. The driver holds the ids, as ``local``."""
    seen: set[str] = set()
    for index in parts:
        path = layout.part_path(index)
        try:
            dupes = _duplicates_in(path, seen)
            if dupes:
                _rewrite_without(path, dupes)
        except OSError as exc:
            raise InputError(f"cannot write {path!r}: {exc.strerror or exc}") from None
        for ok in dupes.values():
            totals["ok" if ok else "failed"] -= 1
            totals["skipped"] += 1


def _duplicates_in(path: str, seen: set[str]) -> dict[int, bool]:
    """{line index: was ok} of the lines of a part whose id is in ``seen`` (which grows)."""
    dupes: dict[int, bool] = {}
    with open(path, "rb") as fh:
        for i, line in enumerate(fh):
            rec = json.loads(line)
            key = id_key(rec["id"])
            if key in seen:
                dupes[i] = rec.get("status") == "ok"
            seen.add(key)
    return dupes


def _rewrite_without(path: str, lines: dict[int, bool]) -> None:
    with open(path, "rb") as src, open(path + ".tmp", "wb") as dst:
        dst.writelines(line for i, line in enumerate(src) if i not in lines)
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(path + ".tmp", path)


def _write_manifest(
    parts_dir: str, layout: Layout, parts: list[int], stamp: dict[str, Any], totals: dict[str, int]
) -> None:
    manifest = {
        "embedres": __version__,
        **stamp,
        "parts": [os.path.basename(layout.part_path(i)) for i in parts],
        **totals,
    }
    path = os.path.join(parts_dir, "manifest.json")
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
    os.replace(path + ".tmp", path)


def _finish_concatenation(target: str, parts_dir: str) -> bool:
    """Complete a concatenation the driver was killed in (True: the run had finished)."""
    marker = os.path.join(parts_dir, "concatenated")
    if not os.path.exists(marker):
        return False
    if os.path.exists(target + ".tmp"):
        os.replace(target + ".tmp", target)
    shutil.rmtree(parts_dir, ignore_errors=True)
    return True


def _concatenate(target: str, layout: Layout, parts: Iterable[int]) -> None:
    """Append the parts, in order, to ``target`` (atomically), then remove them.

    The ``concatenated`` marker, written once the whole new file is on disk, tells a rerun
    after a crash here to finish the rename instead of appending the parts a second time.
    """
    tmp = target + ".tmp"
    try:
        with open(tmp, "wb") as dst:
            if os.path.exists(target):
                with open(target, "rb") as src:
                    shutil.copyfileobj(src, dst)
            for index in parts:
                with open(layout.part_path(index), "rb") as src:
                    shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        with open(os.path.join(layout.parts_dir, "concatenated"), "w", encoding="utf-8"):
            pass
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write {target!r}: {exc.strerror or exc}") from None
    shutil.rmtree(layout.parts_dir, ignore_errors=True)
