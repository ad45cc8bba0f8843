"""Where the tests find the repository, the case tables, the fixtures and the shared suites."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
"""The ``tests/`` folder."""
REPO = TESTS.parent
"""The repository root."""
CASES = TESTS / "cases"
"""Table-driven cases: ``tests/cases/*.json`` (description, input, expected)."""
FIXTURES = TESTS / "fixtures"
"""Fixture files (pages, schemas)."""
EMBEDS = FIXTURES / "embeds"
"""Real embed markup, one page per file."""
CSL_SCHEMA = FIXTURES / "csl-items.schema.json"
"""A JSON Schema of CSL 1.0.2 items, written from the specification."""
NETGUARD = TESTS / "_netguard"
"""The folder whose ``sitecustomize.py`` keeps subprocesses on loopback (put it on PYTHONPATH)."""
SHARED = Path(os.environ.get("EMBEDRES_SHARED", REPO.parent / "shared"))
"""Data shared with, not copied into, this repository."""
CONFORMANCE = SHARED / "conformance" / "twitter-text"
"""twitter-text's conformance suite."""
SEED = REPO / "seeds" / "000_aff3667e527335b6.txt"
"""The user's seed article."""
