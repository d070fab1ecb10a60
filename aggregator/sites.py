"""Site definitions: the `Site` dataclass and loading `sites/*.toml` with clear errors.

A site file is data an operator edits, so every mistake must come back as one
sentence naming the file and the key (`SiteConfigError`), never a traceback.
The same keys arrive as strings from `scrapy crawl news -a key=value`, so one
coercion path serves both (lists comma-separated, booleans as true/false).
Site `[selectors]` are compiled here, as the extractor will run them, so a
typo fails the load instead of logging a warning on every page.

Reading the files themselves (TOML, regular files only, one bad file costing
only its own site) is `aggregator/site_files.py`.

Settings read by callers: `AGGREGATOR_SITES_DIR` (where the TOML files live).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree, html

from aggregator.extract.selectors import ALIASES, to_xpath
from aggregator.health.rules import CheckConfigError, validate_overrides

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: The `site` and `spider` columns are varchar(100); the name is also part of file names
#: (`<name>.toml`, `<name>.lock`, spool files), well inside the usual 255-byte limit.
MAX_NAME_LENGTH = 100
#: Tables and arrays nested deeper than this are a mistake in a site file (the deepest
#: key, `[checks]` or `[selectors]`, is 2 deep); refusing them also keeps Python's
#: recursion limit out of reach of every reader.
MAX_DEPTH = 8
#: A host name or IPv4 address as `allowed_domains` expects it: no scheme, port, path or wildcard.
DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$"
)
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
RENDER_JS_VALUES = (False, True, "all")
#: Listing-page selector keys, read as written by aggregator/extract/listing.py.
LISTING_SELECTOR_KEYS = ("links", "listing_links", "next_page")


class SiteConfigError(ValueError):
    """A site definition is invalid; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Site:
    """One news site, as configured in `sites/<name>.toml` or by `-a` arguments."""

    name: str
    """snake_case name: file name, spider name and `articles.site`."""
    start_urls: tuple[str, ...]
    """Listing pages to start from."""
    allowed_domains: tuple[str, ...] = ()
    """Hosts the crawl may visit (subdomains included); default: the start URLs' hosts."""
    enabled: bool = True
    """False keeps the site out of `scrapy crawlall`."""
    timezone: str = "UTC"
    """IANA zone for dates printed without an offset."""
    languages: tuple[str, ...] = ()
    """ISO 639-1 codes of the site's languages; empty means detect."""
    render_js: bool | str = False
    """False, True (render listing pages with a browser) or "all" (articles too)."""
    feeds: tuple[str, ...] = ()
    """RSS/Atom feed URLs; empty means discover them."""
    sitemaps: tuple[str, ...] = ()
    """News sitemap URLs; empty means discover them from robots.txt."""
    max_pages: int = 3
    """How many listing pages to follow per start URL (1 = only the start page)."""
    selectors: Mapping[str, str] = field(default_factory=dict)
    """Optional CSS/XPath selectors per article field, tried before anything generic."""
    checks: Mapping[str, Any] = field(default_factory=dict)
    """Per-site overrides of health-check thresholds."""
    source: str = "<arguments>"
    """Where the definition came from, for error messages."""
    every: float = 3600.0
    """Seconds between two crawls queued by `scrapy scheduler` (site key `every`, "1h")."""

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_LIST_KEYS = ("start_urls", "allowed_domains", "languages", "feeds", "sitemaps")
_KNOWN_KEYS = frozenset(
    {
        "start_urls",
        "allowed_domains",
        "enabled",
        "timezone",
        "languages",
        "render_js",
        "feeds",
        "sitemaps",
        "max_pages",
        "selectors",
        "checks",
        "every",
    }
)


def _fail(source: str, key: str, problem: str) -> SiteConfigError:
    return SiteConfigError(f"{source}: key '{key}': {problem}")


def _as_list(source: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise _fail(source, key, f"expected a list of strings, got {type(value).__name__}")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise _fail(source, key, f"expected strings, got {item!r}")
        if item:
            out.append(item)
    return tuple(out)


def _as_bool(source: str, key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "1", "yes", "false", "0", "no"}:
        return value.lower() in {"true", "1", "yes"}
    raise _fail(source, key, f"expected true or false, got {value!r}")


def _check_url(source: str, key: str, url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it validates it (ValueError when out of range)
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535"
        raise _fail(source, key, f"{url!r} is not a valid URL: {exc}") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _fail(source, key, f"{url!r} is not an absolute http(s) URL")


def _domains(source: str, raw: Any, listed: tuple[str, ...]) -> tuple[str, ...]:
    """`allowed_domains` as Scrapy's offsite filter reads them: bare host names."""
    if isinstance(raw, list | tuple) and len(listed) != len(raw):
        raise _fail(source, "allowed_domains", "empty domain in the list")
    for domain in listed:
        try:
            ascii_domain = domain.strip().lower().encode("idna").decode("ascii")
        except UnicodeError:
            ascii_domain = ""
        if not DOMAIN_RE.match(ascii_domain):
            raise _fail(
                source,
                "allowed_domains",
                f"{domain!r} is not a host name such as 'example.com' "
                "(no scheme, port, path or wildcard; subdomains are included)",
            )
    return listed


def _too_deep(value: Any, levels: int = MAX_DEPTH) -> bool:
    """Whether `value` nests tables and arrays more than `levels` deep (descends no further)."""
    children = value.values() if isinstance(value, Mapping) else value
    if not isinstance(value, Mapping | list):
        return False
    if levels == 0:
        return True
    return any(_too_deep(child, levels - 1) for child in children)


def _render_js(source: str, value: Any) -> bool | str:
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    if isinstance(value, str) and value.lower() == "all":
        return "all"
    if isinstance(value, bool):
        return value
    raise _fail(source, "render_js", f'expected false, true or "all", got {value!r}')


def _mapping(source: str, key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(source, key, f"expected a table, got {type(value).__name__}")
    return dict(value)


def _checks(source: str, value: Any) -> Mapping[str, Any]:
    # Health-check thresholds are validated here so a typo fails at load, not at close.
    table = _mapping(source, "checks", value)
    try:
        return validate_overrides(table)
    except CheckConfigError as exc:
        raise _fail(source, f"checks.{exc.key}", exc.problem) from None


def _selectors(source: str, value: Any) -> Mapping[str, str]:
    # A broken selector would only log a warning per page in the extraction worker
    # and surface as a misleading "layout change?" check failure: refuse it at load.
    table = _mapping(source, "selectors", value)
    empty = html.fromstring("<html><body></body></html>")
    for key, selector in table.items():
        name = f"selectors.{key}"
        # Article keys are matched as the extractor matches them (trimmed, any case).
        if key not in LISTING_SELECTOR_KEYS and key.strip().lower() not in ALIASES:
            known = ", ".join(sorted({*ALIASES, *LISTING_SELECTOR_KEYS}))
            raise _fail(source, name, f"unknown selector key; known keys: {known}")
        if not isinstance(selector, str):
            raise _fail(source, name, f"expected a CSS or XPath selector string, got {selector!r}")
        if not selector.strip():
            raise _fail(source, name, "empty selector")
        problem = _selector_problem(selector, empty)
        if problem:
            raise _fail(source, name, problem)
    return table


def _selector_problem(selector: str, root: Any) -> str | None:
    """Why `selector` cannot run, converted as the extractor converts it; None when it can."""
    try:
        xpath = to_xpath(selector)
    # cssselect's errors are SyntaxError (bad syntax) or RuntimeError (an unknown pseudo-element).
    except (SyntaxError, RuntimeError, ValueError) as exc:
        return f"{selector!r} is not a valid CSS selector: {exc}"
    try:
        # Compiled and run once on an empty page: syntax errors show; an unknown function
        # inside a predicate that never runs there is still only caught per page.
        etree.XPath(xpath)(root)
    except etree.XPathError as exc:
        return f"{selector!r} is not a valid XPath expression: {exc}"
    return None


def _timezone(source: str, value: Any) -> str:
    try:
        if not isinstance(value, str):
            raise TypeError
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, TypeError, ValueError):
        raise _fail(
            source, "timezone", f"{value!r} is not an IANA zone such as 'Europe/Madrid'"
        ) from None
    return value


def _max_pages(source: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _fail(source, "max_pages", f"expected a whole number >= 1, got {value!r}")
    try:
        pages = int(value)
    except ValueError:
        pages = 0
    if pages < 1:
        raise _fail(source, "max_pages", f"expected a whole number >= 1, got {value!r}")
    return pages


_EVERY_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_EVERY_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(source: str, value: Any) -> float:
    """`every` ("90s", "15m", "1h", "1d") as seconds, more than zero."""
    match = _EVERY_RE.match(value) if isinstance(value, str) else None
    seconds = float(match.group(1)) * _EVERY_UNITS[match.group(2)] if match else 0.0
    if seconds <= 0:
        raise _fail(source, "every", f'expected a duration such as "15m" or "1h", got {value!r}')
    return seconds


def build_site(name: str, raw: Mapping[str, Any], *, source: str = "<arguments>") -> Site:
    """Validate one definition (from TOML or `-a` strings) and return a `Site`."""
    if not NAME_RE.match(name):
        raise _fail(source, "name", f"{name!r} must be snake_case (a-z, 0-9, _)")
    if len(name) > MAX_NAME_LENGTH:
        raise _fail(
            source,
            "name",
            f"{len(name)} characters, at most {MAX_NAME_LENGTH} (the database's site column)",
        )
    for key, value in raw.items():
        if _too_deep(value, MAX_DEPTH - 1):
            raise _fail(source, str(key), f"nested more than {MAX_DEPTH} levels deep")
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise _fail(
            source, unknown[0], f"unknown key; known keys: {', '.join(sorted(_KNOWN_KEYS))}"
        )
    if "start_urls" not in raw:
        raise _fail(source, "start_urls", "missing (a list of listing-page URLs)")
    lists = {key: _as_list(source, key, raw[key]) for key in _LIST_KEYS if key in raw}
    start_urls = lists["start_urls"]
    if not start_urls:
        raise _fail(source, "start_urls", "must name at least one URL")
    for key in ("start_urls", "feeds", "sitemaps"):
        for url in lists.get(key, ()):
            _check_url(source, key, url)
    if "allowed_domains" in lists:
        _domains(source, raw["allowed_domains"], lists["allowed_domains"])
    allowed = lists.get("allowed_domains") or tuple(
        dict.fromkeys(urlsplit(url).hostname or "" for url in start_urls)
    )
    languages = tuple(code.lower() for code in lists.get("languages", ()))
    for code in languages:
        if not LANGUAGE_RE.match(code):
            raise _fail(source, "languages", f"{code!r} is not an ISO 639-1 code such as 'en'")
    timezone = _timezone(source, raw.get("timezone", "UTC"))
    max_pages = _max_pages(source, raw.get("max_pages", 3))
    every = parse_every(source, raw.get("every", "1h"))
    return Site(
        name=name,
        start_urls=start_urls,
        allowed_domains=allowed,
        enabled=_as_bool(source, "enabled", raw.get("enabled", True)),
        timezone=timezone,
        languages=languages,
        render_js=_render_js(source, raw.get("render_js", False)),
        feeds=lists.get("feeds", ()),
        sitemaps=lists.get("sitemaps", ()),
        max_pages=max_pages,
        selectors=_selectors(source, raw.get("selectors", {})),
        checks=_checks(source, raw.get("checks", {})),
        source=source,
        every=every,
    )
