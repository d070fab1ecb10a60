"""Site definitions: valid files load, every mistake names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.site_files import load_site_file, load_sites
from aggregator.sites import SiteConfigError, build_site

GOOD = """
start_urls = ["https://news.example.com/category/world/"]
timezone = "Europe/Madrid"
languages = ["es", "EN"]
max_pages = 5
render_js = "all"
[selectors]
body = "div.article-body p"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_with_defaults_filled(tmp_path: Path) -> None:
    site = load_site_file(write(tmp_path, "el_diario", GOOD))
    assert site.name == "el_diario"
    assert site.start_urls == ("https://news.example.com/category/world/",)
    assert site.allowed_domains == ("news.example.com",)
    assert site.languages == ("es", "en")
    assert site.timezone == "Europe/Madrid"
    assert site.max_pages == 5
    assert site.render_js == "all"
    assert site.enabled is True
    assert site.selectors == {"body": "div.article-body p"}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('timezone = "Mars/Olympus"\nstart_urls = ["https://a.example/"]', "timezone"),
        ('start_urls = "not a url"', "start_urls"),
        ("enabled = true", "start_urls"),
        ('start_urls = ["https://a.example/"]\nmax_pages = 0', "max_pages"),
        ('start_urls = ["https://a.example/"]\nmax_pages = "many"', "max_pages"),
        ('start_urls = ["https://a.example/"]\nlanguages = ["english"]', "languages"),
        ('start_urls = ["https://a.example/"]\nrender_js = "sometimes"', "render_js"),
        ('start_urls = ["https://a.example/"]\nstart_url = "typo"', "start_url"),
        ('start_urls = ["https://a.example/"]\nenabled = "perhaps"', "enabled"),
        ('start_urls = ["https://a.example/"]\nselectors = "body"', "selectors"),
        ("start_urls = [1, 2]", "start_urls"),
    ],
)
def test_each_mistake_names_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, "broken", text)
    with pytest.raises(SiteConfigError) as caught:
        load_site_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: key '{key}'")
    assert "\n" not in message


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "broken", "start_urls = [")
    with pytest.raises(SiteConfigError, match=r"broken\.toml: not valid TOML"):
        load_site_file(path)


def test_a_file_name_that_is_not_snake_case_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "El-Diario", GOOD)
    with pytest.raises(SiteConfigError, match="key 'name'"):
        load_site_file(path)


def test_command_line_strings_are_coerced_like_toml() -> None:
    site = build_site(
        "news",
        {
            "start_urls": "https://a.example/x/, https://b.example/y/",
            "languages": "de,fr",
            "max_pages": "2",
            "enabled": "false",
            "render_js": "true",
        },
    )
    assert site.start_urls == ("https://a.example/x/", "https://b.example/y/")
    assert site.allowed_domains == ("a.example", "b.example")
    assert site.languages == ("de", "fr")
    assert (site.max_pages, site.enabled, site.render_js) == (2, False, True)


def test_load_sites_reads_every_file_by_name(tmp_path: Path) -> None:
    write(tmp_path, "one", 'start_urls = ["https://one.example/"]')
    write(tmp_path, "two", 'start_urls = ["https://two.example/"]')
    assert sorted(load_sites(tmp_path)) == ["one", "two"]
    assert load_sites(tmp_path / "missing") == {}


# --- [selectors]: checked when the file is loaded, not at the first page --------------
SELECTORS = 'start_urls = ["https://a.example/"]\n[selectors]\n'


@pytest.mark.parametrize(
    ("table", "key", "problem"),
    [
        ('boddy = "div.a"', "selectors.boddy", "unknown selector key"),
        ('title = "h1["', "selectors.title", "not a valid CSS selector"),
        ('title = "h1::nosuch"', "selectors.title", "not a valid CSS selector"),
        ("body = 5", "selectors.body", "expected a CSS or XPath selector string"),
        ('body = ""', "selectors.body", "empty"),
        ("authors = \"//span[@class='writer'\"", "selectors.authors", "not a valid XPath"),
        ('next_page = "(//a"', "selectors.next_page", "not a valid XPath"),
        ('links = "div.card >"', "selectors.links", "not a valid CSS selector"),
        ('Links = "div.card a"', "selectors.Links", "unknown selector key"),
    ],
)
def test_each_broken_selector_names_its_key(
    tmp_path: Path, table: str, key: str, problem: str
) -> None:
    path = write(tmp_path, "broken", SELECTORS + table)
    with pytest.raises(SiteConfigError) as caught:
        load_site_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: key '{key}': ")
    assert problem in message
    assert "\n" not in message


def test_the_first_broken_selector_of_several_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "broken", SELECTORS + 'boddy = "div.a"\ntitle = "h1["\nbody = 5\n')
    with pytest.raises(SiteConfigError, match=r"key 'selectors\.boddy'"):
        load_site_file(path)


def test_every_documented_selector_key_and_form_loads(tmp_path: Path) -> None:
    table = {
        "title": "h2.headline::text",
        "headline": "h1",
        "body": "div.article-copy",
        "summary": "p.dek",
        "authors": "//span[@class='writer']/text()",
        "author": "a[rel=author]",
        "published": "span.when::attr(data-ts)",
        "date": "time::attr(datetime)",
        "modified": "(//time)[2]/@datetime",
        "category": "nav.crumbs a:nth-child(2)",
        "tags": "ul.topics a",
        "image_url": "meta[property='og:image']::attr(content)",
        "language": "./html/@lang",
        "canonical_url": "link[rel=canonical]::attr(href)",
        "links": "div.card h3 a",
        "next_page": "//div[@class='pager']/a/@href",
    }
    text = SELECTORS + "".join(f'{key} = """{value}"""\n' for key, value in table.items())
    site = load_site_file(write(tmp_path, "good", text))
    assert site.selectors == table
