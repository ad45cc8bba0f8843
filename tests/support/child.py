"""Run timing code in a child process, so a catastrophic input cannot hang the test run."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

CHILD_TIMEOUT = 240.0
"""Seconds the whole child may take before the test fails as a hang."""


def run_child(code: str, payload: str, *args: str) -> dict[str, Any]:
    """Run ``python -c code args...`` with ``payload`` on stdin; its stdout is one JSON object.

    Fails the test (never hangs) when the child takes over :data:`CHILD_TIMEOUT` seconds or
    exits with an error.
    """
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, *args],
            input=payload,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"pathological inputs did not finish within {CHILD_TIMEOUT:.0f} s"
            " (catastrophic backtracking?)"
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result
