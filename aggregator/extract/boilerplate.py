"""What counts as boilerplate: tags, class/id words and short phrases.

Class and id attributes are split into words ("post-share_buttons" gives
"post", "share", "buttons") so that a word list, not a substring test, decides:
a substring test would throw away "header-image" for "ad" or "thread" for "read".
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

#: Elements never part of article text.
DROP_TAGS = frozenset(
    "script style noscript template svg iframe form button select input textarea nav aside "
    "footer figure figcaption canvas video audio object embed map dialog menu label "
    "picture source link meta head".split()
)
#: Elements that start a new paragraph.
BLOCK_TAGS = frozenset(
    "p div section article main header h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre "
    "table tbody thead tr td th br hr address center details summary".split()
)
HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))

#: Words in class/id naming a container that is not article text.
NEGATIVE_WORDS = frozenset(
    "comment comments commentlist share sharing shares social socials sharebar related "
    "relatedposts newsletter newsletters subscribe subscription signup promo promos promotion "
    "advert advertisement advertising ads ad adslot adunit ad-slot dfp sponsor sponsored "
    "cookie cookies consent popup modal overlay breadcrumb breadcrumbs sidebar widget widgets "
    "recommended recommendations recirc taboola outbrain tags tagcloud taglist tag nav navbar "
    "navigation menu footer caption figcaption credit credits byline toolbar print skip "
    "mostread popular trending readmore more teaser teasers "
    "author-bio authorbio bio disclaimer banner masthead topbar pagination pager login rating "
    "meta postmeta entry-meta infobox factbox jump toc tooltip paywall donate survey poll".split()
)
#: Whole class tokens of elements only screen readers or scripts show.
HIDDEN_TOKENS = frozenset(
    "sr-only visually-hidden screen-reader-text screenreader-only hidden d-none hide "
    "element-invisible offscreen".split()
)
#: Words that make a container likely to hold the article text.
POSITIVE_WORDS = frozenset(
    "article articlebody body content entry main post story text blog news single "
    "prose rich richtext detail paragraph".split()
)
#: Article-body markers strong enough to outweigh a page's other text.
BODY_HINTS = frozenset(
    "articlebody article-body article-content article__body article__content entry-content "
    "post-content post-body story-body story-content body-text article-text articletext "
    "td-post-content single-content content-body article_body post_content".split()
)

_SPLIT = re.compile(r"[\s_-]+")
_SHORT_JUNK = re.compile(
    r"^(source link|source|read more|read next|read also|see also|more|related( articles?| posts?"
    r"| stories| news)?|recent posts|advertisement|anzeige|publicidad|publicité|werbung|"
    r"share( this)?( article| story| post)?|share on \w+|tweet|email|e-mail|print|"
    r"click here.*|continue reading.*|leave a (comment|reply)|\d+ comments?|comments?|"
    r"tags?:.*|filed under.*|posted in.*|categories:.*|(photo|image|foto|credit)s?:.*|"
    r"copyright.*|©.*|all rights reserved.*|follow us.*|sign up.*|subscribe.*|"
    r"(also )?read:.*|lesen sie (auch|mehr).*|mehr zum thema.*|weiterlesen|lee también.*|"
    r"admin|by|von|por|par|\W*)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(by|von|por|par|di|door|texte?|text)\s*:?\s+\S.{0,70}$", re.IGNORECASE)
_RESIDUE = re.compile(r"\(TagsToTranslate\)|\(T\)\w", re.IGNORECASE)


def words(el: HtmlElement) -> set[str]:
    """Lowercased words of an element's class and id attributes."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if not raw.strip():
        return set()
    tokens = raw.split()
    return set(tokens) | {w for w in _SPLIT.split(raw) if w}


def is_negative(el: HtmlElement) -> bool:
    """True when class/id words mark the element as non-article."""
    found = words(el)
    if found & HIDDEN_TOKENS:
        return True
    return bool(found & NEGATIVE_WORDS) and not found & BODY_HINTS


def is_strong_negative(el: HtmlElement) -> bool:
    """Negative words and no positive ones: safe to prune anywhere in the page."""
    found = words(el)
    if found & HIDDEN_TOKENS:
        return True
    return bool(found & NEGATIVE_WORDS) and not found & (POSITIVE_WORDS | BODY_HINTS)


def is_hidden(el: HtmlElement) -> bool:
    """Elements a reader never sees."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def is_junk_line(text: str) -> bool:
    """Short widget, byline or residue lines that no article sentence looks like."""
    if _RESIDUE.search(text):
        return True
    if len(text) > 90:
        return False
    return bool(_SHORT_JUNK.match(text) or _BYLINE.match(text))
