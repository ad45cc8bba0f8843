"""An ast-based checker of embedres's import layering (used by tests/package/test_layering.py).

It reads every module of a package without importing it, records every ``import`` statement
(at any depth: lazy imports in functions and type-only imports under ``TYPE_CHECKING`` count),
and checks rules given as data. ``from pkg import name`` counts as importing ``pkg.name`` when
that is a module of the tree, else as importing ``pkg``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    """One imported module, as written in one module of the tree."""

    file: str
    """The importing file, relative to the tree's parent folder (``embedres/net/client.py``)."""
    line: int
    importer: str
    """The importing module (``embedres.net.client``)."""
    imported: str
    """The imported module, absolute (``requests.adapters``, ``embedres.errors``)."""


@dataclass(frozen=True)
class Violation:
    """An import that breaks a rule."""

    rule: str
    file: str
    line: int
    importer: str
    imported: str
    detail: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """``(rule, importer, imported)``: what an allow-list names (lines move, edges don't)."""
        return (self.rule, self.importer, self.imported)

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return (
            f"{self.file}:{self.line}: {self.importer} imports {self.imported}: {self.rule}{extra}"
        )


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root`` by dotted name (a package is its ``__init__``)."""
    names: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def collect_imports(root: Path) -> list[Import]:
    """Every import statement of every module of the package at ``root``.

    Args:
        root: the package folder (``.../embedres``).

    Returns:
        One :class:`Import` per imported module, in file and line order.
    """
    modules = module_names(root)
    found: list[Import] = []
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        rel = path.relative_to(root.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in ast.walk(tree):
            for target in _targets(node, name, is_package, modules):
                found.append(Import(rel, node.lineno, name, target))  # type: ignore[attr-defined]
    return sorted(found, key=lambda i: (i.file, i.line, i.imported))


def _targets(
    node: ast.AST, importer: str, is_package: bool, modules: Mapping[str, Path]
) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    else:
        base = node.module or ""
    out: list[str] = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        target = sub if sub in modules else base
        if target not in out:
            out.append(target)
    return out


def _under(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def forbidden(
    imports: Iterable[Import], *, importers: Iterable[str], banned: Iterable[str], rule: str
) -> list[Violation]:
    """Imports by modules under ``importers`` of anything under ``banned``."""
    importers, banned = tuple(importers), tuple(banned)
    return [
        Violation(rule, i.file, i.line, i.importer, i.imported)
        for i in imports
        if _under(i.importer, importers) and _under(i.imported, banned)
    ]


def only_importers(
    imports: Iterable[Import], *, libraries: Iterable[str], allowed: Iterable[str], rule: str
) -> list[Violation]:
    """Imports of ``libraries`` by any module outside ``allowed``."""
    libraries, allowed = tuple(libraries), tuple(allowed)
    return [
        Violation(rule, i.file, i.line, i.importer, i.imported)
        for i in imports
        if _under(i.imported, libraries) and not _under(i.importer, allowed)
    ]


def third_party(name: str, package: str) -> bool:
    """Whether ``name`` is neither the standard library, ``__future__`` nor ``package``."""
    top = name.split(".")[0]
    return top not in sys.stdlib_module_names and top not in ("__future__", package)


def one_owner(
    imports: Iterable[Import],
    *,
    package: str,
    owners: Mapping[str, str],
    exceptions: Mapping[tuple[str, str], str],
    rule: str,
) -> list[Violation]:
    """Third-party imports by any module but the library's owner in ``owners``.

    Args:
        imports: the tree's imports.
        package: the tree's own top-level name (not third-party).
        owners: top-level library name -> the one module allowed to import it.
        exceptions: ``(library, module)`` -> why that module may import it too.
        rule: the rule's name in the violations.

    Returns:
        A violation per import of a library by a module that does not own it, and per import
        of a library missing from ``owners``.
    """
    out: list[Violation] = []
    for i in imports:
        if not third_party(i.imported, package):
            continue
        lib = i.imported.split(".")[0]
        owner = owners.get(lib)
        if owner is None:
            out.append(Violation(rule, i.file, i.line, i.importer, i.imported, "no owner listed"))
        elif i.importer != owner and (lib, i.importer) not in exceptions:
            out.append(Violation(rule, i.file, i.line, i.importer, i.imported, f"owner: {owner}"))
    return out


def cycles(imports: Iterable[Import], *, package: str, rule: str) -> list[Violation]:
    """Every import between two modules of ``package`` that lies on an import cycle.

    The graph has an edge per import of one module of the package by another; an edge is on
    a cycle when both ends are in the same strongly connected component (Tarjan's algorithm).
    """
    edges = [i for i in imports if _under(i.imported, (package,)) and i.imported != i.importer]
    graph: dict[str, set[str]] = {}
    for i in edges:
        graph.setdefault(i.importer, set()).add(i.imported)
        graph.setdefault(i.imported, set())
    component = _components(graph)
    out: list[Violation] = []
    for i in edges:
        if component[i.importer] == component[i.imported]:
            members = sorted(n for n, c in component.items() if c == component[i.importer])
            out.append(
                Violation(
                    rule, i.file, i.line, i.importer, i.imported, "cycle of " + ", ".join(members)
                )
            )
    return out


def _components(graph: Mapping[str, set[str]]) -> dict[str, int]:
    """Tarjan's strongly connected components, iteratively: node -> component number."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
    return component
