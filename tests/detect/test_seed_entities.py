"""The seed article: exactly the entities a reader sees, at exact offsets."""

from __future__ import annotations

import embedres
from embedres.detect.entities import find_entities


def _slice(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def test_seed_entities(seed_text: str) -> None:
    found = find_entities(seed_text)
    assert [h.text for h in found.hashtags] == ["Hollande", "Moscou", "Elysée"]
    for h in found.hashtags:
        assert _slice(seed_text, h.span) == "#" + h.text
    line = "François #Hollande se rendra à #Moscou le 26 novembre, a fait savoir l’#Elysée mardi"
    base = seed_text.index(line)
    assert [h.span[0] - base for h in found.hashtags] == [9, 31, 71]
    assert [(m.text, _slice(seed_text, m.span)) for m in found.mentions] == [
        ("RTenfrancais", "@RTenfrancais")
    ]
    assert found.cashtags == []
    assert [(link.url, link.kind, link.host) for link in found.links] == [
        ("https://t.co/CJ9ySZge7P", "short", "t.co"),
        ("pic.twitter.com/UU7PNmTL0V", "media", "pic.twitter.com"),
    ]
    fused = seed_text.index("https://t.co/CJ9ySZge7Ppic.twitter.com/UU7PNmTL0V")
    assert [link.span for link in found.links] == [(fused, fused + 23), (fused + 23, fused + 49)]
    for link in found.links:
        assert _slice(seed_text, link.span) == link.url


def test_seed_extract_agrees(seed_text: str) -> None:
    """embedres.extract() reports the same entities on the plain-text seed."""
    found = find_entities(seed_text)
    got = embedres.extract(seed_text, html=False)
    assert got.hashtags == found.hashtags
    assert got.mentions == found.mentions
    assert got.cashtags == found.cashtags
    assert [(link.url, link.span, link.kind) for link in got.links] == [
        (link.url, link.span, link.kind) for link in found.links
    ]


def test_readme_example() -> None:
    found = embedres.extract(
        "François #Hollande se rendra à #Moscou https://t.co/CJ9ySZge7Ppic.twitter.com/UU7PNmTL0V"
    )
    assert [(h.text, h.span) for h in found.hashtags] == [
        ("Hollande", (9, 18)),
        ("Moscou", (31, 38)),
    ]
    assert [(link.url, link.kind) for link in found.links] == [
        ("https://t.co/CJ9ySZge7P", "short"),
        ("pic.twitter.com/UU7PNmTL0V", "media"),
    ]
