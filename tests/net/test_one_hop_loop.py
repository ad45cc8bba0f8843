"""Issue #10: one redirect walker and one pacer. Only ``embedres/net/hops.py`` reads
redirects and only it calls a client's ``request`` from inside a loop (a second hop loop, like
the capture's old ``fetch_chain``, fails these tests); pacing classes live in
``net/ratelimit.py`` only."""

from __future__ import annotations

import ast
from pathlib import Path

import embedres

_ROOT = Path(embedres.__file__).parent


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(_ROOT.rglob("*.py"))]


def _imports_redirects(tree: ast.AST) -> bool:
    """True when the module imports ``embedres.net.redirects`` (or names from it)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "embedres.net.redirects":
            return True
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "embedres.net"
            and any(a.name == "redirects" for a in node.names)
        ):
            return True
        if isinstance(node, ast.Import) and any(
            a.name == "embedres.net.redirects" for a in node.names
        ):
            return True
    return False


def test_only_the_walker_reads_redirects() -> None:
    users = {
        str(p.relative_to(_ROOT))
        for p, tree in _modules()
        if p.name != "redirects.py" and _imports_redirects(tree)
    }
    assert users == {"net/hops.py"}


def _requests_in_loops(tree: ast.Module) -> int:
    count = 0
    for loop in ast.walk(tree):
        if isinstance(loop, (ast.For, ast.While)):
            for sub in ast.walk(loop):
                if (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Attribute)
                    and sub.func.attr in ("request", "step")
                ):
                    count += 1
    return count


def test_only_the_walker_requests_in_a_loop() -> None:
    loops = {str(p.relative_to(_ROOT)) for p, tree in _modules() if _requests_in_loops(tree)}
    assert loops <= {"net/hops.py", "resolve/resolver.py", "resolve/scheduler.py"}


def test_the_check_sees_a_hop_loop() -> None:
    loop = "for _ in range(3):\n    resp = client.request('GET', url)\n"
    assert _requests_in_loops(ast.parse(loop)) == 1
    assert _imports_redirects(ast.parse("from embedres.net.redirects import location"))
    assert _imports_redirects(ast.parse("from embedres.net import redirects as r"))


def _pacing_classes(tree: ast.Module) -> set[str]:
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(word in node.name for word in ("Pacer", "Limiter", "Throttle"))
    }


def test_one_pacer_module() -> None:
    """Issue #10: pacing lives in ``net/ratelimit.py`` only (no second Pacer beside it).

    Issue #11 adds one backend of the same ``RateLimiter`` Protocol whose state is in
    PostgreSQL (``net/postgres.py``): it keeps its per-process cap with ratelimit's own class.
    """
    owners = {str(p.relative_to(_ROOT)) for p, tree in _modules() if _pacing_classes(tree)}
    assert owners == {"net/ratelimit.py", "net/postgres.py"}
    assert _pacing_classes(ast.parse((_ROOT / "net/postgres.py").read_text())) == {
        "PostgresRateLimiter"
    }
    assert _pacing_classes(ast.parse("class LimiterPacer:\n    pass\n")) == {"LimiterPacer"}
