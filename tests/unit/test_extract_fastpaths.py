"""The fast paths of extraction agree with the plain definitions they replace.

Each cheap route (lazy text scans, attribute-value selection, menus skipped
whole, the early "not an article" exit, the UTF-8 parse path) is checked
against the straightforward XPath or rule it stands for, on generated trees.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from aggregator.extract import blocks, boilerplate, byline, nearby, pagekind, text
from aggregator.extract.document import body_of, by_class_or_id, decode, parse_html

# --- generated pages ------------------------------------------------------------------

_TAGS = ["div", "p", "span", "a", "script", "style", "noscript", "h1", "li", "b"]
_WORDS = ["", " ", "\n  ", "Jan 5, 2024", "By Jane Doe", "\xa0", "news", "x y"]
_CLASSES = ["", "author", "Byline", "post-date", "menu-item", "entry-content", "widget", "a b"]


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> str:
    """Random nested markup with text, tails, classes and ids."""
    parts = [draw(st.sampled_from(_WORDS))]
    for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))):
        tag = draw(st.sampled_from(_TAGS))
        cls = draw(st.sampled_from(_CLASSES))
        ident = draw(st.sampled_from(["", "author", "date1", "main"]))
        attrs = (f' class="{cls}"' if cls else "") + (f' id="{ident}"' if ident else "")
        inner = draw(_trees(depth + 1))
        parts.append(f"<{tag}{attrs}>{inner}</{tag}>{draw(st.sampled_from(_WORDS))}")
    return "".join(parts)


def _page(markup: str) -> etree._Element:
    root = parse_html(f"<html><head><title>t</title></head><body>{markup}</body></html>")
    assert root is not None
    return root


_NOT_CODE = "[not(ancestor::script or ancestor::style or ancestor::noscript)]"
_FOLLOWING = etree.XPath(
    f"following::text(){_NOT_CODE}[normalize-space()][position() <= 40]", smart_strings=False
)
_PRECEDING = etree.XPath(
    f"preceding::text(){_NOT_CODE}[normalize-space()][position() <= 15]", smart_strings=False
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_trees())
def test_texts_around_an_element_are_the_xpath_axes(markup: str) -> None:
    root = _page(markup)
    for anchor in root.iter():
        after = nearby.visible(nearby.texts_after(anchor), 40)
        before = nearby.visible(nearby.texts_before(anchor), 15)
        assert after == _FOLLOWING(anchor)
        # XPath lists the nearest 15 in page order; the generator yields nearest first.
        assert before == list(reversed(_PRECEDING(anchor)))


def test_headline_inside_code_sees_no_code_text() -> None:
    root = _page("<p>Before</p><noscript><h1>Head</h1><p>hidden</p></noscript><p>After</p>")
    anchor = root.find(".//h1")
    assert nearby.visible(nearby.texts_after(anchor), 40) == ["After"]
    # The head's <title> text precedes the body, as XPath's preceding:: has it.
    assert nearby.visible(nearby.texts_before(anchor), 15) == ["Before", "t"]


# --- class words and flags -------------------------------------------------------------


@given(st.text(alphabet="ab-_ \t\xa0é", max_size=14))
def test_class_words_split_like_the_regex(value: str) -> None:
    tokens = [t for t in value.split() if not t.startswith(boilerplate._STATE_PREFIXES)]
    expected = set(tokens) | {w for t in tokens for w in re.split(r"[\s_-]+", t) if w}
    assert boilerplate.class_words(value) == expected


@pytest.mark.parametrize(
    ("class_id", "negative", "strong", "hint", "hidden"),
    [
        ("share_buttons", True, True, False, False),
        ("post-share_buttons", True, False, False, False),  # "post" is a positive word
        ("related-content", True, False, False, False),  # hard negative beside a positive word
        ("entry-content", False, False, True, False),
        ("sr-only", True, True, False, True),
        ("header-hidden-mobile", False, False, False, False),  # "hidden" only as a part
        ("tag-politics has-sidebar", False, False, False, False),  # state classes
        ("story-body sidebar", False, False, True, False),  # body hint outweighs
        ("", False, False, False, False),
    ],
)
def test_class_flags(class_id: str, negative: bool, strong: bool, hint: bool, hidden: bool) -> None:
    flags = boilerplate.class_flags(class_id)
    assert bool(flags & boilerplate.NEGATIVE) is negative
    assert bool(flags & boilerplate.STRONG_NEGATIVE) is strong
    assert bool(flags & boilerplate.BODY_HINT) is hint
    assert bool(flags & boilerplate.HIDDEN) is hidden


_CREDIT_PIECES = [
    "Photo", "FOTO", "credits", ":", " ", "\u00a9", "/", "AP", "afp", "Getty Images",
    "gettY imageS", "VIA REUTERS", "copyright", "Copyr\u0131ght", "COPYR\u0130GHT",
    "\u017fource", "imago", "picture alliance", "iStockphoto", "dpa", ".", "Jane Doe",
    "x" * 40, "\u00df", "\u0307",
]  # fmt: skip


@given(st.lists(st.sampled_from(_CREDIT_PIECES), max_size=14))
def test_credit_prefilter_keeps_every_regex_match(pieces: list[str]) -> None:
    line = "".join(pieces)
    expected = len(line) < 300 and bool(boilerplate._CREDIT.search(line[-100:]))
    assert boilerplate.is_credit(line) is expected


# --- selecting elements by attribute values --------------------------------------------


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_trees())
def test_by_class_or_id_is_the_predicate_scan(markup: str) -> None:
    root = _page(markup)

    def wanted(value: str) -> bool:
        return "a" in value.lower()

    found = by_class_or_id(root, wanted, lambda v: v == "date1", id_needs_class=True)
    expected = [
        el
        for el in root.xpath("//body//*")
        if (el.get("class") is not None and wanted(el.get("class")))
        or (el.get("class") is not None and el.get("id") == "date1")
    ]
    if found is not None:
        assert found == expected


def test_by_class_or_id_gives_up_on_many_values() -> None:
    markup = "".join(f'<p class="c{i}">x</p>' for i in range(20))
    assert by_class_or_id(_page(markup), lambda v: True, lambda v: False) is None


def test_byline_found_after_noisy_candidates() -> None:
    comments = "".join(
        f'<div class="comments"><span class="comment-author">Reader {i}</span></div>'
        for i in range(6)
    )
    markup = f"<h1>Title</h1>{comments}<div class='post-byline'>Jane Roe</div>"
    assert byline.byline_authors(_page(markup), "Title") == ["Jane Roe"]


def test_byline_found_by_its_id() -> None:
    markup = "<h1>Title</h1><div class='meta' id='author'>Max Muster</div><p>Text</p>"
    assert byline.byline_authors(_page(markup), "Title") == ["Max Muster"]


# --- menus skipped whole, layout wrappers kept -----------------------------------------

_PROSE = "The council met on Tuesday and agreed on the new budget for the coming year. " * 4
_MORE = "Opposition members said the plan left out the libraries and the old market hall. " * 3


def test_mega_menu_is_skipped_without_visiting_its_links() -> None:
    menu = "".join('<li class="menu-item"><a href="/s/">Section link</a></li>' for _ in range(1500))
    markup = (
        f'<header><div class="mega-menu"><ul>{menu}</ul></div></header>'
        f"<article><h1>Budget</h1><p>{_PROSE}</p><p>{_MORE}</p></article>"
    )
    root = _page(markup)
    body = body_of(root)
    assert body is not None
    cut = blocks.cut_blocks(body)
    assert len(cut.elements) < 20  # the menu's 3,000 elements are never visited
    assert text.main_text(root) == [_PROSE.strip(), _MORE.strip()]


def test_negative_named_wrapper_holding_the_article_is_kept() -> None:
    links = "".join(f'<a href="/{i}/">Other story {i}</a> ' for i in range(5))
    markup = (
        f'<div class="sidebar-layout"><div class="sidebar">{links}</div>'
        f"<div><p>{_PROSE}</p><p>{_MORE}</p></div></div>"
    )
    root = _page(markup)
    wrapper = root.find(".//div")
    body = body_of(root)
    assert body is not None
    assert boilerplate.is_strong_negative(wrapper)
    assert blocks.is_wrapper(wrapper, blocks.visible_chars(body))
    assert text.main_text(root) == [_PROSE.strip(), _MORE.strip()]


def test_script_text_does_not_make_a_menu_a_wrapper() -> None:
    script = "<script>var config = '" + "x" * 5000 + "';</script>"
    markup = f'<nav-like class="menu">{script}<a href="/">Home</a></nav-like><p>{_PROSE}</p>'
    root = _page(markup)
    body = body_of(root)
    assert body is not None
    assert not blocks.is_wrapper(root.find(".//nav-like"), blocks.visible_chars(body))


# --- the early "not an article" exit ----------------------------------------------------

_URLS = [
    "https://news.example/",
    "https://news.example/category/politics/",
    "https://news.example/about/",
    "https://news.example/2024/05/01/a-story-about-things",
    "https://news.example/?p=959",
]
_BODIES = ["", "archive category", "single single-post", "home blog", "page"]


@pytest.mark.parametrize("url", _URLS)
@pytest.mark.parametrize("classes", _BODIES)
@pytest.mark.parametrize("node", ["", "describes", "names_page"])
def test_ruled_out_pages_are_never_articles(url: str, classes: str, node: str) -> None:
    root = parse_html(f'<html><body class="{classes}"><p>x</p></body></html>')
    assert root is not None
    verdicts = {
        pagekind.is_article(root, url, article_node=node, og_type=og, prose=prose)
        for prose in (0, 199, 200, 1499, 1500, 20000)
        for og in (None, "article", "website")
    }
    if pagekind.ruled_out(root, url, article_node=node):
        assert verdicts == {False}
    else:
        assert True in verdicts


# --- parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"<p>plain ascii</p>",
        "<p>Z\u00fcrich caf\u00e9 \u65e5\u672c</p>".encode(),
        b"<p>control\x00\x01\x0b\x1f chars</p>",
        "<p>non\ufffecharacters\uffff</p>".encode(),
        b"\xef\xbb\xbf<p>bom</p>",
        b"<p>broken \xff\xfe utf-8 \xc3</p>",
    ],
)
def test_utf8_fast_path_parses_like_the_decoded_text(raw: bytes) -> None:
    # The reference is `decode`, which also reads mislabelled Windows-1252 bytes as such.
    fast = parse_html(raw, "utf-8")
    slow = parse_html(decode(raw, "utf-8"))
    assert fast is not None and slow is not None
    assert etree.tostring(fast, encoding=str) == etree.tostring(slow, encoding=str)
