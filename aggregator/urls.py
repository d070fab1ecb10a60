"""Pure URL helpers: one canonical form per article URL.

The same article is linked as `/a/?utm_source=x`, `/a`, `HTTP://Site/a/#top` and
as its AMP twin; `canonical_url` maps all of them to one string, which is the
identity the dedup pipeline and the `articles.url` column use. w3lib does the
RFC-level work (percent-encoding, dot segments, query order); this module adds
the news-specific rules: tracking parameters, trailing slashes, default ports,
AMP variants, no credentials.

It also says which URLs may be requested or stored at all (`link_problem`,
`request_url`): a link whose port is out of range, whose IPv6 host is broken,
which carries credentials (`user:password@`) or whose scheme is not http(s)
costs only itself (it is dropped and counted by the caller), and no stored URL
form keeps credentials (`without_credentials`, `stored_forms`, `image_url`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: Longest URL the store keeps (its indexed URL columns hold 2,048 characters); a longer
#: article URL is dropped before storing, a longer alias is not recorded.
MAX_URL_LENGTH = 2048

# Parameters that identify a campaign or a click, never a page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
        "ncid",
        "sr_share",
        "smid",
        "ref_src",
        "ref_url",
        "share",
        "amp",
        "outputtype",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "ga_", "itm_")

#: Longest `image_url` kept: a 500 KB `data:` URI or a generated URL is not an image address.
MAX_IMAGE_URL_LENGTH = MAX_URL_LENGTH
#: Schemes the crawler requests and stores.
WEB_SCHEMES = frozenset({"http", "https"})

_AMP_PATH = re.compile(r"(?:/amp/?$|\.amp(?=\.html?$|$)|/amp(?=/[^/]+/?$))")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True for query parameters that never change which page is served."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """Remove tracking parameters and the fragment, keep everything else as is.

    The query is filtered pair by pair on its raw text: decoding and re-encoding
    the values would turn bytes that are not UTF-8 (`?id=%fe`, `?id=%ff`) into
    one replacement character, and so two pages into one.
    """
    parts = urlsplit(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not is_tracking_param(unquote_plus(pair.split("=", 1)[0]))
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), ""))


def _strip_amp(host: str, path: str) -> tuple[str, str]:
    if host.startswith("amp."):
        host = host[4:]
    path = _AMP_PATH.sub("", path) or "/"
    return host, path


def canonical_url(url: str) -> str:
    """The one form of `url` used to recognise the same article.

    Lower-cased scheme and host, no credentials, no default port, no `www.`-independent
    rewriting (sites differ on that), no tracking parameters, sorted query, no
    fragment, no trailing slash except on the root, AMP variants folded into
    the plain page. Raises nothing: an unparsable string comes back trimmed.
    """
    url = url.strip()
    try:
        parts = urlsplit(strip_tracking(url))
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url
    if not scheme or not host:
        return url
    host, path = _strip_amp(host, parts.path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    # Credentials (`user:password@`) are never part of an article's identity.
    rebuilt = urlunsplit((scheme, netloc, path or "/", parts.query, ""))
    return canonicalize_url(rebuilt, keep_blank_values=True)


# Host prefixes under which one site serves the same pages (desktop, mobile, AMP).
_EDITION_PREFIXES = ("www.", "m.", "mobile.", "amp.")


def site_host(url: str) -> str:
    """The URL's host without a `www.`, `m.`, `mobile.` or `amp.` prefix ("" when there is none).

    Two URLs with the same site host belong to the same site: an AMP or
    mobile page that declares the desktop page as its canonical stays on it.
    """
    host = registered_host(url)
    for prefix in _EDITION_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix) :]
    return host


def is_section_of(candidate: str, url: str) -> bool:
    """True when `candidate`'s path is the root or a strict ancestor of `url`'s path.

    A "canonical" that names the home page or the section an article sits in
    (`/news/` for `/news/2024/story`) is a site-wide template value, not the
    article's own address.
    """
    try:
        above = urlsplit(candidate).path.strip("/")
        below = urlsplit(url).path.strip("/")
    except ValueError:
        return False
    return not above or (below.startswith(above + "/") and below != above)


def registered_host(url: str) -> str:
    """The URL's host without a leading `www.`, lower-case ("" when there is none)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def absolute_url(base: str, href: str) -> str | None:
    """`href` resolved against `base`, or None when either does not parse (`http://[::1/a`).

    Pages link to anything; one href that `urljoin` cannot read must cost only
    itself, so extraction resolves every link through here.
    """
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None


def link_problem(url: str) -> str | None:
    """Why `url` cannot be requested as a page (a short reason for the stats), or None.

    `unparsable` (a broken IPv6 host), `bad_port` (out of 0-65535 or not a
    number), `scheme` (not http or https), `no_host`, `too_long` (over
    `MAX_URL_LENGTH`), `userinfo` (credentials in the URL).
    """
    if len(url) > MAX_URL_LENGTH:
        return "too_long"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        return "bad_port" if "port" in str(error).lower() else "unparsable"
    if parts.scheme.lower() not in WEB_SCHEMES:
        return "scheme"
    if not parts.hostname:
        return "no_host"
    if "@" in parts.netloc:
        return "userinfo"
    return None


def without_credentials(url: str) -> str:
    """`url` without its `user:password@` part (unchanged when it has none or does not parse)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def request_url(url: str) -> tuple[str | None, str | None]:
    """(the URL to request, None) or (None, why not): credentials are stripped first.

    Scrapy's robots.txt middleware fails with a traceback on a URL with
    credentials, and a request must never send them to the site: every
    request the spider builds goes through here.
    """
    url = without_credentials(url.strip())
    problem = link_problem(url)
    return (None, problem) if problem else (url, None)


def stored_forms(forms: list[str]) -> list[str]:
    """URL forms to record for an article: without credentials, only valid web URLs."""
    cleaned = (without_credentials(form) for form in forms)
    return [form for form in dict.fromkeys(cleaned) if link_problem(form) is None]


def image_url(url: str | None) -> str | None:
    """The image address to store, or None for `data:` URIs, other schemes and overlong URLs."""
    if not url:
        return None
    url = without_credentials(url.strip())
    if len(url) > MAX_IMAGE_URL_LENGTH or link_problem(url) is not None:
        return None
    return url
