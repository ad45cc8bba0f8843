"""A throwaway PostgreSQL server on loopback for the scale-out tests (and .ci/run's twin).

``$EMBEDRES_TEST_POSTGRES`` (a DSN) wins when set. Otherwise :func:`start` runs ``initdb`` and
``pg_ctl`` from PostgreSQL's binaries in a temp dir, listening on 127.0.0.1 and a free port.
PostgreSQL refuses to run as root, so as root the server runs as ``nobody`` (its data dir is
chowned to it, and the temp dir made 0755 so that ``nobody`` can reach it).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "find_bindir", "start", "unavailable"]

_BINDIRS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin")


def unavailable(reason: str) -> None:
    """Skip the test for a missing server or library; under CI (``CI=true``) fail it instead."""
    import pytest

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)


def find_bindir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (newest version), or None."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent  # initdb finds its share dir from its real path
    for pattern in _BINDIRS:
        found = sorted(
            glob.glob(pattern), key=lambda p: [int(x) for x in p.split("/") if x.isdigit()]
        )
        for d in reversed(found):
            if (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
                return Path(d)
    return None


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A running throwaway cluster."""

    dsn: str
    bindir: Path
    data: Path
    port: int
    prefix: tuple[str, ...]
    start_args: tuple[str, ...] = ()

    def ctl(self, *args: str) -> None:
        """Run ``pg_ctl`` (as the server's user) on this cluster."""
        subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def restart(self) -> None:
        """Stop the server (fast: connections are cut) and start it again on the same port.

        Not ``pg_ctl restart``: it forgets ``-l``, and the server would then hold our pipes.
        """
        self.ctl("-m", "fast", "-w", "stop")
        self.ctl(*self.start_args)

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            self.ctl("-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.data.parent, ignore_errors=True)


def start(base: Path | None = None) -> PgServer:
    """Start a cluster under ``base`` (default: a new directory in the system temp dir, whose
    parents the unprivileged user can reach, unlike pytest's 0700 ones) and return it.

    Raises:
        FileNotFoundError: no PostgreSQL binaries on this machine.
        subprocess.CalledProcessError: initdb or pg_ctl failed.
    """
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL's initdb/pg_ctl not found")
    prefix: tuple[str, ...] = ()
    base = Path(tempfile.mkdtemp(prefix="embedres-pg-")) if base is None else base
    os.chmod(base, 0o755)
    dirs = {name: base / name for name in ("data", "sock", "logs")}
    for d in dirs.values():
        d.mkdir()
    if os.geteuid() == 0:
        prefix = ("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")
        for d in dirs.values():
            shutil.chown(d, "nobody", "nogroup")
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(dirs["data"]), "-A", "trust", "-U", "embedres"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    server = PgServer(
        dsn=f"postgresql://embedres@127.0.0.1:{port}/postgres",
        bindir=bindir,
        data=dirs["data"],
        port=port,
        prefix=prefix,
    )
    opts = f"-k {dirs['sock']} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    server.start_args = ("-o", opts, "-l", str(dirs["logs"] / "log"), "-w", "start")
    server.ctl(*server.start_args)
    return server
