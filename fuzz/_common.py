"""Shared runner for the fuzz targets: atheris (libFuzzer) when installed, else hypothesis.

Each target module defines ``fuzz_one(data: bytes) -> None`` that raises only on a defect, and
calls :func:`main` under ``if __name__ == "__main__"``. With atheris, command-line arguments are
libFuzzer's (``-max_total_time=S``, ``-timeout=S``, corpus directories, or one crash file to
replay). Without atheris, ``--seconds S`` and corpus directories drive a hypothesis loop that
mutates the seed corpus; a failing input is written under ``fuzz/artifacts/`` and the exit status
is 1, as libFuzzer does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any


def _load_atheris() -> Any:
    """atheris, or None; not even imported when disabled (importing it hooks tracing)."""
    if os.environ.get("EMBEDRES_FUZZ_NO_ATHERIS"):
        return None
    try:  # atheris is optional: CI without it falls back to hypothesis.
        import atheris as module
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return module


atheris = _load_atheris()
HAVE_ATHERIS = atheris is not None

FUZZ_DIR = Path(__file__).resolve().parent
REPO = FUZZ_DIR.parent
sys.path.insert(0, str(REPO))

PER_INPUT_TIMEOUT = 20  # seconds; a single input slower than this is a hang (R11)


def text_of(data: bytes) -> str:
    """Decode fuzz bytes as UTF-8; invalid bytes become lone surrogates (hostile ``str``)."""
    return data.decode("utf-8", "surrogateescape")


def instrumented() -> contextlib.AbstractContextManager[Any]:
    """Context under which the code under test is imported (coverage-guided with atheris)."""
    if HAVE_ATHERIS:
        return atheris.instrument_imports(include=["embedres"])  # type: ignore[no-any-return,unused-ignore]
    return contextlib.nullcontext()


def _seeds(dirs: list[str]) -> list[bytes]:
    seeds: list[bytes] = []
    for d in dirs:
        p = Path(d)
        files = sorted(p.iterdir()) if p.is_dir() else [p]
        seeds += [f.read_bytes() for f in files if f.is_file()]
    return seeds or [b""]


@contextlib.contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"one input took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _hypothesis_loop(
    fuzz_one: Callable[[bytes], None], seconds: float, seeds: list[bytes], prefix: str
) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    def splice(t: tuple[bytes, int, bytes, int]) -> bytes:
        seed, at, junk, repeat = t
        at = at % (len(seed) + 1)
        return seed[:at] + junk * repeat + seed[at:]

    inputs = st.one_of(
        st.sampled_from(seeds),
        st.binary(max_size=4096),
        st.text(max_size=512).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.tuples(
            st.sampled_from(seeds),
            st.integers(0, 1 << 16),
            st.binary(max_size=32),
            st.integers(1, 200),
        ).map(splice),
    )
    runs = 0
    failing: list[bytes] = []

    @settings(
        max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(inputs)
    def one(data: bytes) -> None:
        nonlocal runs
        runs += 1
        failing[:] = [data]
        with _alarm(PER_INPUT_TIMEOUT):
            fuzz_one(data)

    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        try:
            one()
        except Exception as exc:  # a defect: save the (shrunk) input like libFuzzer does
            crash = Path(f"{prefix}crash-{hashlib.sha1(failing[0]).hexdigest()}")
            crash.parent.mkdir(parents=True, exist_ok=True)
            crash.write_bytes(failing[0])
            print(f"==ERROR: {type(exc).__name__}: {exc}\ncrash input written to {crash}")
            return 1
    print(f"Done {runs} runs in {int(seconds)} second(s) (hypothesis fallback)")
    return 0


def _keep_going(fuzz_one: Callable[[bytes], None], prefix: str) -> Callable[[bytes], None]:
    """Wrap a target so each distinct failure is saved once and fuzzing goes on.

    Used for long runs (``EMBEDRES_FUZZ_KEEP_GOING=1``): libFuzzer stops at the first crash,
    and atheris cannot use libFuzzer's fork mode. A failure's signature is its exception type
    and the innermost embedres frame; the first input per signature is written to
    ``PREFIX/keepgoing-SIG`` with its traceback beside it (``.txt``).
    """
    import traceback

    seen: set[str] = set()

    def wrapped(data: bytes) -> None:
        try:
            fuzz_one(data)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [f for f in frames if "embedres" in f.filename] or frames
            sig = f"{type(exc).__name__}@{Path(ours[-1].filename).name}:{ours[-1].lineno}"
            if sig in seen:
                return
            seen.add(sig)
            name = hashlib.sha1(sig.encode()).hexdigest()[:12]
            out = Path(f"{prefix}keepgoing-{name}")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            Path(f"{out}.txt").write_text(sig + "\n" + "".join(traceback.format_exception(exc)))
            print(f"==KEEP-GOING: new failure {sig} -> {out}", flush=True)

    return wrapped


def main(fuzz_one: Callable[[bytes], None]) -> None:
    """Fuzz ``fuzz_one`` with atheris, or with the hypothesis fallback; never returns."""
    if os.environ.get("EMBEDRES_FUZZ_KEEP_GOING"):
        prefix = next(
            (a.split("=", 1)[1] for a in sys.argv if a.startswith("-artifact_prefix=")),
            str(FUZZ_DIR / "artifacts") + "/",
        )
        fuzz_one = _keep_going(fuzz_one, prefix)
    if HAVE_ATHERIS:
        atheris.Setup(sys.argv, fuzz_one)
        atheris.Fuzz()
        sys.exit(0)
    args = sys.argv[1:]
    seconds = 10.0
    dirs: list[str] = []
    prefix = str(FUZZ_DIR / "artifacts") + "/"
    i = 0
    while i < len(args):
        if args[i] == "--seconds":
            seconds = float(args[i + 1])
            i += 2
            continue
        if args[i].startswith("-max_total_time="):
            seconds = float(args[i].split("=", 1)[1])
        elif args[i].startswith("-artifact_prefix="):
            prefix = args[i].split("=", 1)[1]
        elif not args[i].startswith("-"):
            dirs.append(args[i])
        i += 1
    files = [d for d in dirs if Path(d).is_file()]
    if files:  # replay mode, like libFuzzer given crash files
        for f in files:
            fuzz_one(Path(f).read_bytes())
        print(f"replayed {len(files)} input(s)")
        sys.exit(0)
    sys.exit(_hypothesis_loop(fuzz_one, seconds, _seeds(dirs), prefix))
