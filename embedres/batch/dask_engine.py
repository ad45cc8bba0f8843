"""The Dask engine: a batch on a LocalCluster or an existing Dask cluster.

Two ways in:

* :func:`run_dask` (``embedres.batch.run(..., engine="dask")``, ``embedres cite --batch ...
  --engine dask``) cites a file, directory or glob of JSONL(.gz)/Parquet into one JSONL file or
  a directory of parts (:mod:`embedres.batch.engine`). Parts are submitted a few at a time
  (``window``), so the driver holds neither input nor output.
* :func:`cite_bag` and :func:`cite_dataframe` map a Dask bag or DataFrame of records to results
  in a graph of your own.

Workers build their resolver from the :class:`BatchOptions` (picklable); with a
``postgresql://`` cache every worker shares the cache and the per-host limiter. A worker killed
mid-task is restarted by its nanny and the scheduler reruns the task (part files are atomic).
dask and distributed are imported here only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from embedres.batch.engine import Layout, PartCounts, cite_part
from embedres.batch.options import BatchOptions
from embedres.batch.records import process
from embedres.batch.sources import Part
from embedres.errors import InputError, InvalidArgument

__all__ = ["RESULT_COLUMNS", "cite_bag", "cite_dataframe", "dask_mapper", "open_client"]

RESULT_COLUMNS = {"id": "object", "status": "object", "citations": "object",
                  "warnings": "object", "error": "object"}  # fmt: skip
"""The columns (and dtypes) of :func:`cite_dataframe`'s result."""


def _cite_records(records: Iterable[Any], options: BatchOptions) -> list[dict[str, Any]]:
    return list(process(records, options))


def cite_bag(bag: Any, options: BatchOptions) -> Any:
    """Map a Dask bag of records to a bag of result records (one partition per task).

    Records without a usable id are named ``line:N`` with N counted within their partition.
    """
    return bag.map_partitions(_cite_records, options)


def _cite_frame(frame: Any, options: BatchOptions) -> Any:
    rows = frame.to_dict("records")
    clean = [{k: v for k, v in r.items() if isinstance(v, str) or k == "id"} for r in rows]
    results = _cite_records(clean, options)
    return type(frame)(results, columns=list(RESULT_COLUMNS), index=frame.index)


def cite_dataframe(frame: Any, options: BatchOptions) -> Any:
    """Map a Dask DataFrame with ``id`` and ``text`` or ``html`` columns to result rows."""
    return frame.map_partitions(_cite_frame, options, meta=RESULT_COLUMNS)


def open_client(
    *, scheduler: str | None = None, workers: int | None = None
) -> tuple[Any, list[Any]]:
    """A Dask client: to ``scheduler`` (``tcp://HOST:PORT``), else a LocalCluster of ``workers``
    processes (one thread each). Returns the client and what to close afterwards.

    Raises:
        InvalidArgument: ``scheduler`` is not a scheduler address.
        InputError: no scheduler answers at ``scheduler``.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except ValueError as exc:  # not an address: "missing port", "unknown address scheme"
            raise InvalidArgument(
                f"scheduler must be a Dask scheduler address (tcp://HOST:PORT), "
                f"not {scheduler!r}: {exc}"
            ) from None
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None
        return client, [client]
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # None still binds :8787 (and warns when it is taken)
    )
    client = Client(cluster)
    return client, [client, cluster]


def dask_mapper(client: Any, *, window: int | None = None) -> Any:
    """An engine for :func:`embedres.batch.engine.run_parts` that runs parts on ``client``.

    Args:
        client: a ``distributed.Client``.
        window: parts in flight at once (default: 2 per worker thread).
    """
    from distributed import as_completed

    if window is not None and (
        isinstance(window, bool) or not isinstance(window, int) or window < 1
    ):
        raise InvalidArgument("window must be a positive int")

    def mapper(
        parts: Iterator[Part], layout: Layout, options: BatchOptions
    ) -> Iterator[PartCounts]:
        size = window or max(2, 2 * sum(client.nthreads().values()))
        pending = as_completed()
        for part in parts:
            pending.add(client.submit(cite_part, part, layout, options, pure=False, retries=2))
            if pending.count() >= size:
                yield next(pending).result()
        for future in pending:
            yield future.result()

    return mapper
