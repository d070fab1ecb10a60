"""Listing extraction on layouts met in the wild, without selectors."""

# ruff: noqa: E501  (HTML fixtures read better unwrapped)

from __future__ import annotations

import pytest

from aggregator.extract import ListingPage, extract_listing, extract_listing_html

WORDPRESS = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>News - Coastline Daily</title>
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="alternate" type="application/atom+xml" href="https://coastline.example/feed/atom/">
<link rel="alternate" type="application/rss+xml" href="/feed/">
</head>
<body class="home blog">
<header><nav class="main-navigation"><a href="/category/news/">News</a>
<a href="/category/sport/">Sport</a><a href="/about/">About</a></nav></header>
<main id="main">
<article class="post">
  <a class="post-thumbnail" href="/2024/07/05/night-ferry-trial/">
    <img src="/wp-content/uploads/ferry-300x200.jpg" alt=""></a>
  <h2 class="entry-title"><a href="/2024/07/05/night-ferry-trial/">Harbour council approves
    night ferry trial</a></h2>
  <div class="entry-meta"><time class="entry-date published" datetime="2024-07-05T09:12:44+02:00">
    July 5, 2024</time> <a href="/author/jdoe/">Jane Doe</a></div>
  <div class="entry-summary"><p>The council voted to run a six-month trial of a late ferry.</p></div>
  <a class="more-link" href="/2024/07/05/night-ferry-trial/">Continue reading</a>
</article>
<article class="post">
  <header class="entry-header"><h2 class="entry-title"><a href="/2024/07/04/lighthouse-reopens/">
    Lighthouse reopens to visitors after storm repairs</a></h2></header>
  <div class="entry-meta"><time class="entry-date published" datetime="2024-07-04T17:00:00+02:00">
    July 4, 2024</time></div>
  <div class="entry-summary"><p>Visitors can climb the tower again from Saturday.</p></div>
  <span class="tags-links"><a href="/tag/lighthouse/" rel="tag">Lighthouse</a></span>
</article>
<nav class="navigation posts-navigation"><div class="nav-links">
  <div class="nav-previous"><a href="/page/2/">Older posts</a></div></div></nav>
</main>
<aside class="widget-area"><section class="widget widget_recent_entries"><h2>Recent Posts</h2><ul>
  <li><a href="/2024/07/05/night-ferry-trial/">Harbour council approves night ferry trial</a>
      <span class="post-date">23 mins ago</span></li>
  <li><a href="/2024/07/03/quota-talks-resume/">Fishing quota talks resume after a pause</a>
      <span class="post-date">2 days ago</span></li>
</ul></section></aside>
<footer><a href="/privacy-policy/">Privacy policy</a> <a href="mailto:desk@coastline.example">Mail</a>
<a href="https://www.facebook.com/coastline.daily.news.page">Follow us on Facebook for updates</a></footer>
</body></html>"""

PLAIN_LIST = """<html><head><title>Latest</title></head><body>
<h1>Latest news</h1>
<ul class="stories">
  <li><a href="/news/2023/11/02/andes-cave-map.html">Researchers map the deepest cave system in the Andes</a>
      <time datetime="2023-11-02">2 Nov 2023</time></li>
  <li><a href="/news/2023/11/01/comet-visible.html">A bright comet is visible tonight from both hemispheres</a>
      <time datetime="2023-11-01">1 Nov 2023</time></li>
  <li><a href="/news/2023/10/31/glacier-retreat.html">Glacier retreat doubles in a decade, survey finds</a>
      <time datetime="2023-10-31">31 Oct 2023</time></li>
</ul>
<p><a href="/news/?page=1">1</a> <a href="/news/?page=2">2</a> <a href="/news/?page=3">3</a></p>
</body></html>"""

CARD_GRID = """<html><head><title>Portada</title>
<link rel="next" href="https://diario.example/ultimas/pagina/2">
</head><body>
<div class="grid">
  <div class="card">
    <a href="/politica/reforma-fiscal-aprobada-en-el-congreso-8812"><img data-src="/img/8812.webp"
       src="data:image/gif;base64,R0lGODlh" alt=""></a>
    <div class="card-body">
      <h3><a href="/politica/reforma-fiscal-aprobada-en-el-congreso-8812">La reforma fiscal es aprobada en el
         Congreso</a></h3>
      <p>El texto pasa ahora al Senado, que tendrá dos meses para debatirlo.</p>
      <span class="ago">hace 23 minutos</span>
    </div>
  </div>
  <div class="card">
    <a href="/deportes/el-equipo-local-gana-la-copa-8790"><img src="/img/8790.jpg" alt=""></a>
    <div class="card-body">
      <h3><a href="/deportes/el-equipo-local-gana-la-copa-8790">El equipo local gana la copa tras
         los penaltis</a></h3>
      <p>Una final que se decidió en el último lanzamiento ante veinte mil personas.</p>
      <span class="ago">hace 2 horas</span>
    </div>
  </div>
</div>
<div class="pager"><a href="/ultimas/pagina/2">Siguiente</a></div>
</body></html>"""


def test_wordpress_entries_in_page_order_with_teasers() -> None:
    page = extract_listing_html(WORDPRESS, "https://coastline.example/")
    urls = [e.url for e in page.entries]
    assert urls == [
        "https://coastline.example/2024/07/05/night-ferry-trial/",
        "https://coastline.example/2024/07/04/lighthouse-reopens/",
        "https://coastline.example/2024/07/03/quota-talks-resume/",
    ]
    first = page.entries[0]
    assert first.title == "Harbour council approves night ferry trial"
    assert first.published_raw == "2024-07-05T09:12:44+02:00"
    assert first.summary == "The council voted to run a six-month trial of a late ferry."
    assert first.image_url == "https://coastline.example/wp-content/uploads/ferry-300x200.jpg"
    assert first.source == "listing"
    assert page.entries[2].published_raw == "2 days ago"


def test_wordpress_older_posts_and_feeds() -> None:
    page = extract_listing_html(WORDPRESS, "https://coastline.example/")
    assert page.next_page == "https://coastline.example/page/2/"
    assert page.feeds == [
        "https://coastline.example/feed/",
        "https://coastline.example/feed/atom/",
    ]


def test_menus_tags_static_pages_and_other_sites_are_not_entries() -> None:
    urls = {e.url for e in extract_listing_html(WORDPRESS, "https://coastline.example/").entries}
    for url in urls:
        assert "/category/" not in url and "/tag/" not in url and "/author/" not in url
        assert url.startswith("https://coastline.example/2024/")


def test_plain_html5_list_and_numbered_pages() -> None:
    page = extract_listing_html(PLAIN_LIST, "https://science.example/news/")
    assert [e.title for e in page.entries] == [
        "Researchers map the deepest cave system in the Andes",
        "A bright comet is visible tonight from both hemispheres",
        "Glacier retreat doubles in a decade, survey finds",
    ]
    assert [e.published_raw for e in page.entries] == ["2023-11-02", "2023-11-01", "2023-10-31"]
    assert page.next_page == "https://science.example/news/?page=2"


def test_numbered_pages_follow_the_current_page() -> None:
    page = extract_listing_html(PLAIN_LIST, "https://science.example/news/?page=2")
    assert page.next_page == "https://science.example/news/?page=3"


def test_card_grid_merges_image_and_headline_links() -> None:
    page = extract_listing_html(CARD_GRID, "https://diario.example/ultimas")
    assert len(page.entries) == 2
    card = page.entries[0]
    assert card.url == "https://diario.example/politica/reforma-fiscal-aprobada-en-el-congreso-8812"
    assert card.title == "La reforma fiscal es aprobada en el Congreso"
    assert card.published_raw == "hace 23 minutos"
    assert card.summary == "El texto pasa ahora al Senado, que tendrá dos meses para debatirlo."
    assert card.image_url == "https://diario.example/img/8812.webp"
    assert page.next_page == "https://diario.example/ultimas/pagina/2"


def test_next_page_words_in_other_languages() -> None:
    for label in ("Siguiente", "Suivant", "Next »", "»", "Older posts", "Weiter"):
        html = f'<html><body><div><a href="/list/p/7">{label}</a></div></body></html>'
        page = extract_listing_html(html, "https://site.example/list/p/6")
        assert page.next_page == "https://site.example/list/p/7", label


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ('<a class="nav-next" href="/n/">Go</a>', "/n/"),  # class word "next"
        ('<span class="older"><a href="/o/">Go</a></span>', "/o/"),  # the parent's class
        ('<a title="Next" href="/t/"><img src="/arrow.png"></a>', "/t/"),  # no text: title
        (
            '<a rel="prev" class="next" href="/p/">Go</a><a href="/list/page/3/">3</a>',
            "/list/page/3/",
        ),
        ('<a href="/x/">Home</a><link rel="next" href="/r/">', "/r/"),  # rel=next anywhere
    ],
)
def test_next_page_from_classes_titles_and_rel(links: str, expected: str) -> None:
    menu = "".join('<li><a href="/section/">Section</a></li>' for _ in range(300))
    html = f"<html><body><ul class='menu'>{menu}</ul><div>{links}</div></body></html>"
    page = extract_listing_html(html, "https://site.example/list/page/2/")
    assert page.next_page == "https://site.example" + expected


def test_page_path_pattern_without_labels() -> None:
    html = '<html><body><a href="/news/page/3/">3</a><a href="/news/page/2/">2</a></body></html>'
    assert extract_listing_html(html, "https://a.example/news/").next_page == (
        "https://a.example/news/page/2/"
    )


def test_listing_selectors_override_heuristics() -> None:
    page = extract_listing_html(
        CARD_GRID,
        "https://diario.example/ultimas",
        selectors={"links": "div.card h3 a", "next_page": "//div[@class='pager']/a/@href"},
    )
    assert [e.title for e in page.entries] == [
        "La reforma fiscal es aprobada en el Congreso",
        "El equipo local gana la copa tras los penaltis",
    ]
    assert page.next_page == "https://diario.example/ultimas/pagina/2"


def test_response_wrapper_and_empty_pages() -> None:
    from scrapy.http import HtmlResponse

    response = HtmlResponse("https://coastline.example/", body=WORDPRESS.encode(), encoding="utf-8")
    assert extract_listing(response) == extract_listing_html(
        WORDPRESS, "https://coastline.example/"
    )
    assert extract_listing_html(b"", "https://a.example/") == ListingPage()
    assert extract_listing_html("<html></html>", "https://a.example/").entries == []


HOME_WITH_LEAD_STORY = (
    """<html><head><title>Meridian</title>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Lead story",
 "url": "https://meridian.example/science/lead-story-2023", "datePublished": "2023-11-02"}</script>
</head><body><main><h2><a href="/science/lead-story-2023">Lead story of the day in science</a></h2>
<p>"""
    + "A long teaser paragraph about the lead story of the day. " * 10
    + """</p></main></body></html>"""
)


def test_home_page_with_its_lead_storys_json_ld_is_not_an_article() -> None:
    from aggregator.extract import extract_article_html

    assert extract_article_html(HOME_WITH_LEAD_STORY, "https://meridian.example/") is None
    page = extract_listing_html(HOME_WITH_LEAD_STORY, "https://meridian.example/")
    assert [e.url for e in page.entries] == ["https://meridian.example/science/lead-story-2023"]


def test_a_headline_that_says_today_is_not_the_teaser_date() -> None:
    html = (
        "<html><body><main>"
        + "".join(
            f'<article class="post"><h2 class="entry-title"><a href="/2024/07/05/dollar-today-{n}/">'
            f"Dollar today, blue dollar today: how much it trades on day {n}</a></h2>"
            f'<span class="meta">{n + 2} hours ago</span></article>'
            for n in range(4)
        )
        + '<article class="post"><h2><a href="/2024/07/05/markets-close-today/">'
        "Markets close early today for the holiday</a></h2></article>"
        "</main></body></html>"
    )
    page = extract_listing_html(html, "https://news.example/category/economy/")
    dates = {entry.url.rsplit("/", 2)[-2]: entry.published_raw for entry in page.entries}
    assert dates["dollar-today-0"] == "2 hours ago"
    assert dates["markets-close-today"] is None
