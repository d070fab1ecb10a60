"""What counts as boilerplate: tags, class/id words and short phrases.

Class and id attributes are split into words ("post-share_buttons" gives
"post", "share", "buttons") so that a word list, not a substring test, decides:
a substring test would throw away "header-image" for "ad" or "thread" for "read".
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml.html import HtmlElement


def words_set(text: str) -> frozenset[str]:
    """A frozenset of the space-separated words in `text` (keeps long lists readable)."""
    return frozenset(text.split())


#: Elements never part of article text.
DROP_TAGS = words_set(
    "script style noscript template svg iframe form button select input textarea nav aside "
    "footer figure figcaption canvas video audio object embed map dialog menu label "
    "picture source link meta head"
)
#: Elements that start a new paragraph.
BLOCK_TAGS = words_set(
    "p div section article main header h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre "
    "table tbody thead tr td th br hr address center details summary"
)
HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))

#: Words in class/id naming a container that is not article text.
NEGATIVE_WORDS = words_set(
    "comment comments commentlist share sharing shares social socials sharebar related "
    "relatedposts newsletter newsletters subscribe subscription signup promo promos promotion "
    "advert advertisement advertising ads ad adslot adunit ad-slot dfp sponsor sponsored "
    "cookie cookies consent popup modal overlay breadcrumb breadcrumbs sidebar widget widgets "
    "recommended recommendations recirc taboola outbrain tags tagcloud taglist tag nav navbar "
    "navigation menu footer caption figcaption credit credits byline toolbar skip "
    "mostread popular trending readmore more teaser teasers "
    "author-bio authorbio bio disclaimer banner masthead topbar pagination pager login rating "
    "meta postmeta entry-meta infobox factbox jump toc tooltip paywall donate survey poll"
)
#: Whole class tokens of elements only screen readers or scripts show.
HIDDEN_TOKENS = words_set(
    "sr-only visually-hidden screen-reader-text screenreader-only hidden d-none hide "
    "element-invisible offscreen"
)
#: Words that make a container likely to hold the article text.
POSITIVE_WORDS = words_set(
    "article articlebody body content entry main post story text blog news single "
    "prose rich richtext detail paragraph"
)
#: Article-body markers strong enough to outweigh a page's other text.
BODY_HINTS = words_set(
    "articlebody article-body article-content article__body article__content entry-content "
    "post-content post-body story-body story-content body-text article-text articletext "
    "td-post-content single-content content-body article_body post_content"
)

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
#: Dates as pages print them, in the formats met most often.
TEXT_DATE = re.compile(
    r"\b(\d{1,2}[./]\s?\d{1,2}[./]\s?(?:19|20)\d{2}|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}\.?\s+[^\W\d_]{3,10}\.?,?\s+(?:19|20)\d{2}"
    r"|[^\W\d_]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}年\s?\d{1,2}月\s?\d{1,2}日|(?:19|20)\d{2}\.\s?\d{1,2}\.\s?\d{1,2})"
)
_TIME = re.compile(r"\b\d{1,2}[:.h]\d{2}\b|\d{1,2}時\d{1,2}分")
# A credit closes its line: the keyword and at most a name or agency after it.
_CREDIT = re.compile(
    r"(\b(photo|foto|image|bild|picture|credit|copyright|source|quelle|fuente)s?\s*:|©|"
    r"\bgetty images\b|\bvia reuters\b|/\s?(ap|afp|dpa|reuters|epa)\b|\bcopyright\b|"
    r"\b(imago|picture alliance|shutterstock|istock(photo)?|keystone|afp)\s?/)"
    r"[^.!?]{0,60}$",
    re.IGNORECASE,
)
_CREDIT_WORDS = ("getty images", "via reuters", "copyright")
#: "3 mins ago", "hace 2 horas", "vor 5 Minuten", "il y a 3 jours", "4 months ago".
RELATIVE_DATE = re.compile(
    r"\b\d+\s*(sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?)"
    r"\s+ago\b|\bhace\s+\d+\s+\w+|\bil y a\s+\d+\s+\w+|\bvor\s+\d+\s+\w+",
    re.IGNORECASE,
)
_READING_TIME = re.compile(
    r"\b\d+\s*(min|mins|minutes?|minuti|minutos?|Minuten|Min\.?)\s*"
    r"(read|reading time|di lettura|de lectura|Lesezeit|de lecture)\b|\bLesezeit:?\s*\d+\s*\w+",
    re.IGNORECASE,
)
# Calls to act that end or interrupt articles: newsletters, sign-ups, affiliate notes.
_PROMPT = re.compile(
    r"\b(sign up|subscribe|signup)\b.{0,60}\bnewsletters?\b|\bnewsletters?\b.{0,60}"
    r"\b(sign up|subscribe|inbox|anmeld\w*|abonn\w*|suscr\w*|inscri\w*)|"
    r"\bmay earn (an? )?(affiliate )?commission\b|\bdelivered to your inbox\b",
    re.IGNORECASE,
)
_RESIDUE = re.compile(r"\(TagsToTranslate\)|\(T\)\w", re.IGNORECASE)


#: Negative words that win even beside positive ones ("related-content", "comment-body").
HARD_NEGATIVE = words_set(
    "comment comments commentlist related relatedposts share sharing social newsletter promo "
    "advert advertisement advertising ads sponsor sponsored recommended recommendations "
    "taboola outbrain cookie cookies consent popup modal paywall"
)
#: Class prefixes that describe page state or taxonomy, not what an element is
#: ("has-sidebar", "tag-politics", "category-news", "no-comments").
_STATE_PREFIXES = (
    "has-", "no-", "with-", "without-", "is-", "not-", "one-", "two-", "tag-", "category-",
    "postid-", "page-", "single", "sidebar-primary", "sidebar-second", "format-", "status-",
    "overflow", "layout-", "theme-", "template-", "type-",
)  # fmt: skip


def _tokens(class_id: str) -> list[str]:
    return [t for t in class_id.split() if not t.startswith(_STATE_PREFIXES)]


def _words(tokens: list[str]) -> frozenset[str]:
    # Tokens hold no whitespace: their words are what "-" and "_" separate.
    parts = [w for t in tokens if "-" in t or "_" in t for w in t.replace("_", "-").split("-")]
    return frozenset(tokens).union(parts).difference(("",))


@lru_cache(maxsize=8192)
def class_words(class_id: str) -> frozenset[str]:
    """Words of a lowercased "class id" string, state classes left out (cached: themes repeat)."""
    return _words(_tokens(class_id))


def _class_id(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


def words(el: HtmlElement) -> frozenset[str]:
    """Lowercased words of an element's class and id attributes (state classes left out)."""
    return class_words(_class_id(el))


#: Words without which no flag is set (most class names have none).
_FLAGGING = NEGATIVE_WORDS | BODY_HINTS | HIDDEN_TOKENS
#: Bits of `class_flags`.
HIDDEN, NEGATIVE, STRONG_NEGATIVE, BODY_HINT = 1, 2, 4, 8


@lru_cache(maxsize=8192)
def class_flags(class_id: str) -> int:
    """What class/id words say about an element, as bits (see `is_negative`)."""
    tokens = _tokens(class_id)
    found = _words(tokens)
    if found.isdisjoint(_FLAGGING):
        return 0
    if HIDDEN_TOKENS.intersection(tokens):
        return HIDDEN | NEGATIVE | STRONG_NEGATIVE | (BODY_HINT if found & BODY_HINTS else 0)
    flags = BODY_HINT if found & BODY_HINTS else 0
    if found & NEGATIVE_WORDS and not found & BODY_HINTS:
        if not found & POSITIVE_WORDS:
            flags |= NEGATIVE | STRONG_NEGATIVE
        elif found & HARD_NEGATIVE:
            flags |= NEGATIVE
    return flags


def element_flags(el: HtmlElement) -> int:
    """`class_flags` of an element; 0 without class and id."""
    cls, ident = el.get("class"), el.get("id")
    if cls is None and ident is None:
        return 0
    return class_flags(f"{cls or ''} {ident or ''}".lower())


def is_negative(el: HtmlElement) -> bool:
    """True when class/id words mark the element as non-article."""
    return bool(element_flags(el) & NEGATIVE)


def is_strong_negative(el: HtmlElement) -> bool:
    """Negative words and no positive ones: safe to prune anywhere in the page."""
    return bool(element_flags(el) & STRONG_NEGATIVE)


def hidden_style(style: str) -> bool:
    """A style attribute that hides its element."""
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def is_hidden(el: HtmlElement) -> bool:
    """Elements a reader never sees."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    return hidden_style(el.get("style") or "")


_SECTION_BREAK = re.compile(
    r"^(you (may|might) (also )?(like|enjoy)|related( posts| articles| stories| news| content)?|"
    r"more (from|on|stories|news)\b.*|read next|recommended( for you| stories)?|"
    r"most (read|popular)|"
    r"trending( now)?|das könnte sie auch interessieren|mehr zum thema|weitere artikel|"
    r"auch interessant|(te )?puede(s)? interesar(te)?|también te puede interesar|"
    r"você (também )?pode gostar|vous aimerez aussi|à lire aussi|sur le même sujet|"
    r"leggi anche|potrebbe interessarti|関連記事|おすすめ記事)\W*$",
    re.IGNORECASE,
)


def is_section_break(text: str) -> bool:
    """A standalone "Related articles"-type header: what follows is not the article."""
    return len(text) <= 60 and bool(_SECTION_BREAK.match(text))


def is_dateline(text: str) -> bool:
    """A short line that is mostly a date: "Published on 30/04/2024 - 16:38"."""
    if len(text) > 100:
        return False
    text = _READING_TIME.sub(" ", text)
    # "He arrived 5 minutes ago." is a sentence; "Published 5 minutes ago" is a dateline.
    relative = RELATIVE_DATE.search(text) and not text.rstrip().endswith((".", "!", "?"))
    if not (TEXT_DATE.search(text) or _TIME.search(text) or relative):
        return False
    rest = RELATIVE_DATE.sub(" ", _TIME.sub(" ", TEXT_DATE.sub(" ", text)))
    return len(re.findall(r"\w+", rest)) <= 5


def is_credit(text: str) -> bool:
    """A photo caption's credit line ("... Photo: Jane Doe/AP")."""
    if len(text) >= 300:
        return False
    tail = text[-100:]
    # Every _CREDIT match holds ":", "©", "/" or one of _CREDIT_WORDS; the regex
    # is slow on ordinary sentences, which have none. The folding maps each
    # character that IGNORECASE equates with an ASCII letter (U+0130, U+0131,
    # U+017F, U+212A) to that letter.
    if ":" not in tail and "©" not in tail and "/" not in tail:
        folded = tail.casefold().replace("\u0131", "i").replace("\u0307", "")
        if not any(word in folded for word in _CREDIT_WORDS):
            return False
    return bool(_CREDIT.search(tail))


def is_junk_line(text: str) -> bool:
    """Short widget, byline, date, credit or residue lines that no article sentence looks like."""
    if _RESIDUE.search(text) or is_credit(text):
        return True
    if len(text) <= 200 and _PROMPT.search(text):
        return True
    if len(text) > 90:
        return False
    return bool(_SHORT_JUNK.match(text) or _BYLINE.match(text) or is_dateline(text))


def is_story_list(element: HtmlElement) -> bool:
    """An `<article>` without an `<h1>` holding two or more `<article>` children.

    Related-post widgets nest whole posts, blurbs and all, in one wrapper.
    """
    if element.tag != "article":
        return False
    children = sum(1 for _ in element.iterchildren("article"))
    return children >= 2 and next(element.iter("h1"), None) is None
