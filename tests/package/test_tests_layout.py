"""The test tree: one folder per stage; test modules share code only through tests.support."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import TESTS


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def test_test_modules_import_only_tests_support() -> None:
    """No test module (nor support module) imports a test module, a conftest or a relative name."""
    modules = sorted(TESTS.rglob("*.py"))
    assert len(modules) > 60
    bad = [
        f"{path.relative_to(TESTS.parent)}:{line}: {name}"
        for path in modules
        if "_netguard" not in path.parts and path.name != "conftest.py"
        for line, name in _imports(path)
        if name.startswith(".")
        or (name.startswith("tests") and not name.startswith(("tests.support", "tests._netguard")))
    ]
    assert not bad, "\n".join(bad)


def test_every_test_folder_is_a_package() -> None:
    """Same-named test modules in two folders cannot clash: each folder has an __init__.py."""
    folders = {p.parent for p in TESTS.rglob("test_*.py")}
    missing = sorted(str(f) for f in folders if not (f / "__init__.py").is_file())
    assert not missing, missing
