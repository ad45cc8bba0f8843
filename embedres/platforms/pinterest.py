"""Pinterest: pin URLs on every country domain, ``data-pin-do="embedPin"`` widgets, pin.it (pure).

The pin widget is an anchor that ``pinit.js`` (``//assets.pinterest.com/js/pinit.js``) turns
into the pin; the iframe embed loads ``assets.pinterest.com/ext/embed.html?id=ID``. Canonical
URL: ``https://www.pinterest.com/pin/ID/``. ``pin.it`` share links are short links that need
resolving. Pin ids carry no time; no credential-free oEmbed endpoint is documented.
"""

from __future__ import annotations

import re

from embedres.detect.found import Found
from embedres.detect.markup import Document
from embedres.platforms.base import ParseUrl, Platform, PostRef, found_from_ref, src

__all__ = ["PLATFORM"]

# pinterest.com serves every locale, also from country subdomains (fr.pinterest.com) and
# country domains (pinterest.co.uk, pinterest.fr...).
_COUNTRY_DOMAINS = (
    "at", "ca", "ch", "cl", "co.kr", "co.uk", "com.au", "com.mx", "de", "dk", "es", "fr",
    "ie", "it", "jp", "nz", "ph", "pt", "ru", "se",
)  # fmt: skip
_COUNTRY_SUBDOMAINS = (
    "ar", "at", "au", "br", "ca", "ch", "cl", "co", "cz", "de", "dk", "es", "fi", "fr", "gr",
    "hu", "id", "ie", "in", "it", "jp", "kr", "mx", "nl", "no", "nz", "ph", "pl", "pt", "ro",
    "ru", "se", "sk", "tr", "uk", "za",
)  # fmt: skip
_HOSTS = frozenset(
    {
        "pinterest.com",
        "assets.pinterest.com",
        *(f"pinterest.{tld}" for tld in _COUNTRY_DOMAINS),
        *(f"{cc}.pinterest.com" for cc in _COUNTRY_SUBDOMAINS),
    }
)
_PIN = re.compile(r"^/pin/(?:[A-Za-z0-9-]{1,200}--)?(?P<id>\d{1,25})/?$")
_DIGITS = re.compile(r"^\d{1,25}$")


def _ref(pin_id: str) -> PostRef:
    return PostRef("pinterest", pin_id, f"https://www.pinterest.com/pin/{pin_id}/")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    if host == "assets.pinterest.com":
        pin_id = (query.get("id") or [""])[0]
        return _ref(pin_id) if path == "/ext/embed.html" and _DIGITS.match(pin_id) else None
    m = _PIN.match(path)
    return _ref(m["id"]) if m else None


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "a" and "embedPin" in el.attrs.get("data-pin-do", "").split():
        return found_from_ref("pinterest", doc, index, parse, el.attrs.get("href"))
    if el.name == "iframe" and "pinterest." in src(doc, index):
        return found_from_ref("pinterest", doc, index, parse, src(doc, index))
    return None


PLATFORM = Platform(
    name="pinterest",
    label="Pinterest",
    genre="Post",
    hosts=_HOSTS,
    parse=_parse,
    recognisers=(_recognise,),
    markup_triggers=(("a", "data-pin-do", "embedPin"),),
    widget_scripts=(("assets.pinterest.com", "/js/pinit"),),
    short_hosts=frozenset({"pin.it"}),
)
"""Pinterest."""
