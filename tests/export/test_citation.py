"""The Citation record: construction, derived fields, to_dict() against the shipped schema."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from embedres import Citation, InvalidArgument
from embedres.model import Link, Post, Resolution
from tests.support.citations import build_citation, load_cases


def _schema() -> dict[str, Any]:
    text = resources.files("embedres").joinpath("data/citation.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(_schema())


@pytest.mark.parametrize("case", load_cases(), ids=lambda c: c["description"][:50])
def test_to_dict_validates_against_shipped_schema(case: dict[str, Any]) -> None:
    data = build_citation(case["citation"]).to_dict()
    jsonschema.validate(data, _schema(), cls=jsonschema.Draft202012Validator)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_schema_rejects_a_wrong_document() -> None:
    data = build_citation(load_cases()[0]["citation"]).to_dict()
    data["url_status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema(), cls=jsonschema.Draft202012Validator)


def test_to_dict_fields_of_the_seed() -> None:
    c = build_citation(load_cases()[0]["citation"])
    d = c.to_dict()
    assert d["kind"] == "post" and d["platform_label"] == "Twitter" and d["genre"] == "Tweet"
    assert d["post_id"] == "666535042222141457" and d["media"] == "image"
    assert d["accessed"] == "2025-01-15" and d["archive_service"] == "wayback"
    assert d["text"].endswith("https://t.co/CJ9ySZge7P pic.twitter.com/UU7PNmTL0V")
    assert d["span"] == [4372, 4560] and d["post"]["published_text"] == "17 Novembre 2015"


def test_needs_exactly_one_subject() -> None:
    with pytest.raises(InvalidArgument):
        Citation()
    post = Post("twitter", (0, 1))
    with pytest.raises(InvalidArgument):
        Citation(post=post, link=Link("https://t.co/x", (0, 1), "short"))
    with pytest.raises(InvalidArgument):
        Citation(post=post, accessed="2025-01-15")  # type: ignore[arg-type]


def test_recovered_id_fills_post_id_and_url_but_article_wins() -> None:
    post = Post("twitter", (0, 1), post_id="1", url="https://twitter.com/a/status/1")
    c = Citation(post=post, recovered_id="2", recovered_url="https://twitter.com/a/status/2")
    assert (c.post_id, c.url) == ("1", "https://twitter.com/a/status/1")
    bare = Citation(post=Post("twitter", (0, 1)), recovered_id="2", recovered_url="u")
    assert (bare.post_id, bare.url) == ("2", "u")


def test_url_status_dead_when_the_cited_url_is_dead() -> None:
    url = "https://twitter.com/a/status/1"
    dead = Resolution(url=url, status="dead", final_url=url)
    c = Citation(post=Post("twitter", (0, 1), url=url), resolutions=(dead,))
    assert c.url_status == "dead"
    assert Citation(post=Post("twitter", (0, 1), url=url)).url_status == "live"


@pytest.mark.parametrize(
    ("published", "label", "genre"),
    [
        (date(2023, 7, 23), "Twitter", "Tweet"),
        (date(2023, 7, 24), "X", "Post"),
        (None, "Twitter", "Tweet"),
    ],
)
def test_twitter_label_follows_the_rename(published: date | None, label: str, genre: str) -> None:
    c = Citation(post=Post("twitter", (0, 1), published=published))
    assert (c.platform_label, c.genre) == (label, genre)


def test_text_unfuses_links_and_joins_lines() -> None:
    post = Post(
        "twitter",
        (0, 1),
        text="mardi\nhttps://t.co/CJ9ySZge7Ppic.twitter.com/UU7PNmTL0V",
        links=(
            Link("https://t.co/CJ9ySZge7P", (0, 1), "short"),
            Link("pic.twitter.com/UU7PNmTL0V", (1, 2), "media"),
        ),
    )
    assert Citation(post=post).text == "mardi https://t.co/CJ9ySZge7P pic.twitter.com/UU7PNmTL0V"


def test_format_rejects_unknown_style() -> None:
    c = Citation(post=Post("twitter", (0, 1), text="x"))
    with pytest.raises(InvalidArgument, match="unknown citation style"):
        c.format("no-such-style-anywhere")
    with pytest.raises(InvalidArgument):
        c.format("../apa")
    with pytest.raises(InvalidArgument):
        c.format(["apa"])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        c.to_markdown("bad label]")


@pytest.mark.parametrize(
    ("post", "title"),
    [
        (Post("youtube", (0, 1), author_name="Rick Astley"), "|title=Video by Rick Astley |"),
        (Post("mastodon", (0, 1), author_handle="a@b.social"), "|title=Post by @a@b.social |"),
        (Post("linkedin", (0, 1)), "|title=Post |"),
    ],
)
def test_wikitext_title_without_text(post: Post, title: str) -> None:
    assert title in Citation(post=post).to_wikitext()
