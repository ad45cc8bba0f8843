"""The export registry: the formats the CLI offers, one line to add one; no import cycles."""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from embedres import Citation, Post
from embedres.cli import build_parser, main
from embedres.errors import InvalidArgument
from embedres.export import registry
from embedres.export.protocol import Citable
from tests.support import paths

PACKAGE = paths.REPO / "embedres"
CITATION = Citation(
    post=Post("twitter", (0, 10), author_name="Ann", author_handle="ann", text="Hello",
              published=date(2015, 2, 7), url="https://twitter.com/ann/status/20"),
    accessed=date(2025, 1, 15),
)  # fmt: skip
EXPECTED = ("json", "jsonl", "csl", "wikitext", "apa", "mla", "chicago", "harvard", "bibtex",
            "markdown", "html")  # fmt: skip


def test_the_registry_lists_every_format_and_the_cli_offers_them() -> None:
    assert registry.names() == EXPECTED
    sub = build_parser()._subparsers
    assert sub is not None
    choices: Any = sub._group_actions[0].choices
    (fmt,) = [a for a in choices["cite"]._actions if a.dest == "format"]
    assert tuple(fmt.choices or ()) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_item_and_render_agree(name: str) -> None:
    fmt = registry.get(name)
    item = fmt.item(CITATION, "mla")
    text = fmt.render([CITATION], "mla")
    if name in ("json", "jsonl", "csl"):
        assert isinstance(item, dict) and json.loads(text) in (item, [item])
    else:
        assert isinstance(item, str) and item == text and "Hello" in item
    assert CITATION.export(name, "mla") == item


def test_style_methods_go_through_the_registry() -> None:
    assert CITATION.format("apa") == registry.get("apa").item(CITATION, "apa")
    assert registry.reference(CITATION, "modern-language-association").startswith("Ann")
    with pytest.raises(InvalidArgument, match="style must be a str"):
        CITATION.format(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="unknown format"):
        CITATION.export("docx")
    with pytest.raises(InvalidArgument, match="unknown citation style"):
        registry.check_style("../etc")


def test_a_new_format_is_one_registry_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def shout(cs: Sequence[Citable], _style: str) -> str:
        return "\n".join(str(c.text).upper() for c in cs)

    monkeypatch.setitem(
        registry.FORMATS, "shout", registry.Format("shout", lambda c, s: shout([c], s), shout, "")
    )
    article = tmp_path / "a.html"
    article.write_text(
        '<blockquote class="twitter-tweet"><p>quiet words</p>&mdash; Ann (@ann) '
        '<a href="https://twitter.com/ann/status/20">March 21, 2006</a></blockquote>',
        encoding="utf-8",
    )
    assert main(["cite", str(article), "--no-resolve", "--format", "shout"]) == 0
    assert capsys.readouterr().out == "QUIET WORDS\n"


def _imports(path: Path) -> set[str]:
    """Every module named by an import statement of ``path`` (lazy and TYPE_CHECKING ones too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_exporters_never_import_the_citation_module() -> None:
    for path in sorted((PACKAGE / "export").glob("*.py")):
        assert "embedres.citation" not in _imports(path), path.name


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in _imports(p) if m in modules and m not in (name, "embedres")}
        for name, p in modules.items()
    }


def _reaches_itself(graph: dict[str, set[str]], start: str) -> bool:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        m = todo.pop()
        if m == start:
            return True
        if m not in seen:
            seen.add(m)
            todo.extend(graph[m])
    return False


def test_no_import_cycle_through_citation_export_batch_or_cli() -> None:
    graph = _graph()
    mine = [m for m in graph if m in ("embedres.citation", "embedres.batch")
            or m.startswith(("embedres.export", "embedres.cli"))]  # fmt: skip
    assert len(mine) > 10
    assert [m for m in mine if _reaches_itself(graph, m)] == []


def test_the_cycle_check_sees_cycles_and_real_edges() -> None:
    assert _reaches_itself({"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a")
    assert not _reaches_itself({"a": {"b"}, "b": {"c"}, "c": set()}, "a")
    graph = _graph()
    assert "embedres.citation" in graph["embedres.pipeline"]  # a lazy or top-level import
    assert "embedres.export.registry" in graph["embedres.citation"]
    assert "embedres.batch" in graph["embedres.cli.cite"]
