"""The platform registry: one module per platform, and the registry is the only list."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from embedres.platforms import base, registry
from embedres.platforms.base import Platform
from tests.support import paths

PACKAGE = paths.REPO / "embedres"
PLATFORMS_DIR = PACKAGE / "platforms"
# Modules of platforms/ that are machinery, not a platform.
MACHINERY = {
    "__init__", "base", "registry", "posturls", "embeds", "ids", "status", "liveness",
    "twitter_archive", "wrappers",
}  # fmt: skip
PLATFORM_MODULES = sorted(p.stem for p in PLATFORMS_DIR.glob("*.py") if p.stem not in MACHINERY)


def test_every_platform_module_is_registered_once() -> None:
    names = [p.name for p in registry.PLATFORMS]
    assert len(names) == len(set(names))
    assert sorted(names) == PLATFORM_MODULES


@pytest.mark.parametrize("name", PLATFORM_MODULES)
def test_module_provides_every_field(name: str) -> None:
    module = importlib.import_module(f"embedres.platforms.{name}")
    plat = module.PLATFORM
    assert isinstance(plat, Platform) and plat.name == name
    assert registry.platform_named(name) is plat
    assert plat.label.strip() and plat.genre in {"Post", "Video"}
    assert callable(plat.parse) and plat.recognisers
    assert all(callable(r) for r in plat.recognisers)
    assert all(callable(r) for r in plat.text_recognisers)
    assert bool(plat.hosts) != plat.any_host, "a platform claims hosts, or lives on any host"
    for host in (*plat.hosts, *plat.short_hosts, *plat.media_hosts, *plat.tracking):
        assert host == host.lower().strip() and "/" not in host and not host.startswith("www.")
    for host, prefix in plat.widget_scripts:
        assert host == host.lower() and prefix.startswith("/")
    if plat.oembed is not None:
        assert plat.oembed.startswith("https://") and "{query}" in plat.oembed
    assert plat.post_time is None or callable(plat.post_time)
    assert plat.oembed_reads <= {"author_url", "html", "title"}
    assert plat.oembed is not None or not plat.oembed_reads
    assert all(isinstance(v, frozenset) for v in plat.tracking.values())
    # Every field of the record is declared by the module (none is a forgotten default that
    # another module should have provided): the defaults are empty values of the right type.
    for field in dataclasses.fields(Platform):
        assert hasattr(plat, field.name)


def test_hosts_belong_to_one_platform() -> None:
    seen: dict[str, str] = {}
    for plat in registry.PLATFORMS:
        for host in (*plat.hosts, *plat.short_hosts, *plat.media_hosts):
            assert seen.setdefault(host, plat.name) == plat.name, host


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = ast.walk(tree)
    return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}


# Host rules of other layers, each next to the only code that uses it: the redirect walk's
# pic.twitter.com -> t.co rewrite and the shorteners' interstitial pages (net/, reworked in
# parallel by the Network refactor of issue #10), and twitter-text's t.co URL rule.
KNOWN_LEAKS = {
    ("net/hops.py", "pic.twitter.com"),
    ("net/redirects.py", "linkedin.com"),
    ("net/redirects.py", "lnkd.in"),
    ("net/redirects.py", "t.co"),
    ("detect/urlscan.py", "t.co"),
}


def test_no_generic_module_keeps_its_own_platform_table() -> None:
    facts: set[str] = set()
    for plat in registry.PLATFORMS:
        facts |= {*plat.hosts, *plat.short_hosts, *plat.media_hosts, *plat.tracking}
        facts |= {h for h, _ in plat.widget_scripts if h}
        facts |= {plat.oembed} if plat.oembed else set()
    for path in PACKAGE.rglob("*.py"):
        if path.parent == PLATFORMS_DIR:
            continue
        rel = path.relative_to(PACKAGE).as_posix()
        leaked = {f for f in _string_constants(path) & facts if (rel, f) not in KNOWN_LEAKS}
        assert not leaked, f"{rel} holds platform facts {sorted(leaked)}"


def test_platform_modules_import_only_pure_layers() -> None:
    allowed = (
        "embedres.platforms",
        "embedres.detect.markup",
        "embedres.detect.fragment",
        "embedres.detect.dates",
        "embedres.detect.found",
        "embedres.detect.markdown",
        "embedres.errors",
        "embedres.model",
    )
    for name in [*PLATFORM_MODULES, "base"]:
        tree = ast.parse((PLATFORMS_DIR / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("embedres"):
                assert str(node.module).startswith(allowed), f"{name}.py imports {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in {"requests", "socket", "embedres"}


def test_doc_helpers() -> None:
    assert base.split_url("ftp://x.com/a/status/1") is None
    assert base.split_url("x" * 3000) is None
    assert registry.platform_named(None) is None


_FAKE_MODULE = """
from embedres.detect.found import Found
from embedres.platforms.base import Platform, PostRef


def _parse(host, path, query):
    if path.startswith("/p/") and path[3:].isdigit():
        return PostRef("fakeplat", path[3:], f"https://fake.example/p/{path[3:]}")
    return None


def _recognise(doc, index, parse):
    el = doc.elements[index]
    if el.name == "blockquote" and "fake-embed" in el.attrs.get("class", ""):
        ref = parse(el.attrs.get("cite", ""))
        return Found("fakeplat", (el.start, el.end)).with_ref(ref) if ref else None
    return None


PLATFORM = Platform(
    name="fakeplat", label="FakePlat", genre="Video", hosts=frozenset({"fake.example"}),
    parse=_parse, recognisers=(_recognise,), embed_classes=frozenset({"fake-embed"}),
    widget_scripts=(("cdn.fake.example", "/w.js"),),
    oembed="https://fake.example/oembed?{query}", post_time=lambda i: None,
    tracking={"fake.example": frozenset({"fk"})}, short_hosts=frozenset({"fk.ee"}),
)
"""

_CHECK = """
import embedres
from embedres import Citation, Post, extract
from embedres.detect.urls import classify_link, strip_tracking
from embedres import replace_embeds
from embedres.platforms.posturls import parse_post_url
from embedres.resolve.oembed import endpoint_for

assert embedres.__file__.startswith(EXPECTED_ROOT), embedres.__file__
html = ('<blockquote class="fake-embed" cite="https://www.fake.example/p/42?fk=1">x</blockquote>'
        '<script async src="https://cdn.fake.example/w.js"></script>')
posts = extract(html).posts
assert [(p.platform, p.post_id, p.url) for p in posts] == [
    ("fakeplat", "42", "https://fake.example/p/42")], posts
assert posts[0].span[1] == len(html)  # the widget script is part of the embed
assert "cdn.fake.example" not in replace_embeds(html)
assert classify_link("https://fk.ee/abc").kind == "short"
assert strip_tracking("https://fake.example/p/1?fk=2&a=1") == "https://fake.example/p/1?a=1"
assert endpoint_for("fakeplat", "https://fake.example/p/1").startswith("https://fake.example/oembed?")
c = Citation(post=posts[0])
assert (c.platform_label, c.genre) == ("FakePlat", "Video")
# Without reddit's line, reddit is gone everywhere.
assert parse_post_url("https://www.reddit.com/r/python/comments/abc123/") is None
assert endpoint_for("reddit", "https://www.reddit.com/r/python/comments/abc123/") is None
assert Citation(post=Post("reddit", (0, 1))).platform_label is None
print("ok")
"""


def test_the_registry_line_is_all_it_takes(tmp_path: Path) -> None:
    """A copy of the package with one platform module added and its registry line (and
    reddit's line removed): every stage sees the change, nothing else is edited."""
    copy = tmp_path / "embedres"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "platforms" / "fakeplat.py").write_text(_FAKE_MODULE, encoding="utf-8")
    reg = copy / "platforms" / "registry.py"
    text = reg.read_text(encoding="utf-8")
    assert "    reddit,\n" in text and "    reddit.PLATFORM,\n" in text
    text = text.replace("    reddit,\n", "    fakeplat,\n").replace(
        "    reddit.PLATFORM,\n", "    fakeplat.PLATFORM,\n"
    )
    reg.write_text(text, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])
    script = f"EXPECTED_ROOT = {str(copy)!r}\n" + _CHECK
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def _module_graph() -> dict[str, set[str]]:
    """Module-level ``embedres`` imports of every module (importing ``a.b.c`` runs ``a.b``)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["embedres", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        edges: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                bits = target.split(".")
                # Every package on the way is executed too (the root's re-exports excepted).
                edges |= {".".join(bits[:i]) for i in range(2, len(bits) + 1)}
        # A module's own ancestor packages are initialised before it: importing them is no cycle.
        ancestors = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        graph[name] = edges - ancestors
    return {n: {e for e in es if e in graph} for n, es in graph.items()}


def test_no_module_level_import_cycle() -> None:
    graph = _module_graph()
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            raise AssertionError(" -> ".join([*stack[stack.index(node) :], node]))
        if node in done:
            return
        for nxt in sorted(graph[node]):
            visit(nxt, [*stack, node])
        done.add(node)

    for name in sorted(graph):
        if name != "embedres":
            visit(name, [])
