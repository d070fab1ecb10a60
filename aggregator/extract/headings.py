"""The page's visible headings that may show the headline, for `title.choose_title`.

`visible_headings` gives the `<h1>`s, without those in a breadcrumb trail or a
`<nav>` (the trail's last crumb) and those that link to the home page (the
site's logo). `lesser_headings` gives the second rank that stands in when no
`<h1>` is left: `itemprop=headline` elements, the first `<h2>`s, and elements
whose class names a title. Texts of 3 to 400 characters only.

No settings, no stats.
"""

from __future__ import annotations

from itertools import islice
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extract.document import body_of, class_id, headlines, text_of
from aggregator.urls import absolute_url


def _is_logo(heading: HtmlElement, url: str) -> bool:
    """An h1 that holds the site's logo or name, linking to the home page."""
    for href in heading.xpath(".//a/@href"):
        target = absolute_url(url, str(href))
        if target is not None and urlsplit(target).path in ("", "/"):
            return True
    return False


def _in_trail(heading: HtmlElement) -> bool:
    """A heading inside navigation or a breadcrumb trail: the trail's last crumb, not the headline.

    Some layouts put the page's only `<h1>` in the breadcrumb (for search engines)
    and show the headline in an `<h2>` of the article header.
    """
    for above in heading.iterancestors():
        if above.tag == "nav" or "breadcrumb" in class_id(above):
            return True
    return False


def visible_headings(root: HtmlElement, url: str) -> list[str]:
    """Visible h1 texts that may be the headline, in page order."""
    shown = [h for h in headlines(root) if not _in_trail(h)]
    found = [text_of(h) for h in shown[:8] if not _is_logo(h, url)]
    return [h for h in found if 3 <= len(h) <= 400]


# Through the attribute axis: far cheaper in libxml2 than a predicate on every element.
_HEADLINE_PROPS = etree.XPath("//@itemprop[. = 'headline']/..")
_TITLE_CLASSES = etree.XPath("//body//@class[contains(., 'title') or contains(., 'headline')]/..")


def lesser_headings(root: HtmlElement) -> list[str]:
    """Second-rank headings: `itemprop=headline` elements, the first `<h2>`s, then elements
    whose class names a title (`h-title`, `post-headline`), in that order."""
    body = body_of(root)
    if body is None:
        return []
    marked = [el for el in _HEADLINE_PROPS(root) if el.tag != "meta"][:2]
    classed = [el for el in islice(_TITLE_CLASSES(root), 12) if el.tag not in ("a", "body")]
    ranked = marked + list(islice(body.iter("h2"), 4)) + classed
    found = [text_of(h) for h in ranked if not _in_trail(h)]
    return [h for h in found if 3 <= len(h) <= 400]
