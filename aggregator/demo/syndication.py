"""Syndicated copies for the sample site: one story republished by a partner with small edits.

News agencies and partner sites republish a story with a dateline and an
agency tag in front, a credit line at the end and the odd word changed; the
store must keep such a copy once, recorded against the original. Tests serve
the copy from a second `NewsSite` (on its own port, under another site name).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from aggregator.demo.content import DemoArticle
from aggregator.demo.site import NewsSite


def syndicated_copy(
    source: DemoArticle, *, partner: str = "Demo Wire", exact: bool = False
) -> DemoArticle:
    """`source` as `partner` republishes it ten minutes later; `exact` keeps the text word for word."""
    paragraphs = list(source.paragraphs)
    if not exact:
        paragraphs[0] = f"RIVERSIDE ({partner}) \u2014 {paragraphs[0]}"
        paragraphs[-1] = paragraphs[-1].replace(" said ", " stated ", 1)
        paragraphs.append(
            f"This story first appeared in Demo Daily and is republished by {partner} with permission."
        )
    return replace(
        source,
        paragraphs=paragraphs,
        published=source.published + timedelta(minutes=10),
        author=None,
        tags=list(source.tags),
    )


def syndicate(
    source: DemoArticle, partner_site: NewsSite, *, partner: str = "Demo Wire", exact: bool = False
) -> DemoArticle:
    """Publish a copy of `source` on `partner_site` as its newest article; returns the copy."""
    copy = syndicated_copy(source, partner=partner, exact=exact)
    copy.number = max((a.number for a in partner_site.articles), default=0) + 1
    partner_site.articles.insert(0, copy)
    return copy
