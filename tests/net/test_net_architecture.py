"""Issue #10 invariants for the network layer, checked on the source (ast)."""

from __future__ import annotations

import ast
from pathlib import Path

import embedres

PKG = Path(embedres.__file__).parent


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_pipeline_uses_typed_collaborators_and_no_network_internals() -> None:
    tree = _tree(PKG / "pipeline.py")
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "getattr" not in names and "Any" not in names
    assert not any(m.startswith("embedres.net") for m in _imports(tree))


def test_requests_and_urllib3_are_imported_by_the_client_only() -> None:
    users = {
        p.relative_to(PKG).as_posix()
        for p in PKG.rglob("*.py")
        if {m.split(".")[0] for m in _imports(_tree(p))} & {"requests", "urllib3"}
    }
    assert users == {"net/client.py"}


def test_every_exception_class_is_defined_in_errors() -> None:
    outside = [
        f"{p.relative_to(PKG)}:{node.name}"
        for p in PKG.rglob("*.py")
        if p.name != "errors.py"
        for node in ast.walk(_tree(p))
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(b, ast.Name)
            and (b.id.endswith(("Error", "Exception")) or b.id == "Unreachable")
            for b in node.bases
        )
    ]
    assert outside == []


def test_one_retry_after_parser() -> None:
    parsers = [
        p.relative_to(PKG).as_posix()
        for p in PKG.rglob("*.py")
        for node in ast.walk(_tree(p))
        if isinstance(node, ast.FunctionDef) and "retry_after" in node.name
    ]
    assert sorted(parsers) == ["net/retryafter.py", "net/retryafter.py"]
