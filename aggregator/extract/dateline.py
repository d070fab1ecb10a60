"""A press or agency dateline at the start of the article body: "BERLIN, 3. März 2022 - ...".

The last place extraction looks for a publication date, when no layer
(metadata, `<time>`, URL, visible stamps, text near the headline) gave one:
press releases and agency reports often print the date only where their text
begins. The value stays raw; the dates pipeline parses it.

No settings, no stats.
"""

from __future__ import annotations

import re

from aggregator.extract.datefind import TEXT_DATE, date_span

# What may come before a body's dateline: nothing, a place ("BERLIN, ", "Kabul (dpa) - "),
# an opening bracket ("(21. November 2022) ...").
_DATELINE_PLACE = re.compile(r"(?:(?:[^\W\d_][\w().'/-]*\s*){1,3}[,\u2013\u2014-]\s*)?[(\[]?")


def body_dateline(body: str | None) -> str | None:
    """A date that opens the body's first paragraph: "01.02.2022 „Der Arbeitsmarkt ...",
    "BERLIN, 3. März 2022 - ...": the dateline of a press release or agency report.

    Headings (under 80 characters) before that paragraph are passed over. Before
    the date there may be only a place, up to three words ending in a comma or dash,
    or a bracket, so a date inside a sentence ("said on 3 March 2022") is not one.
    """
    paragraphs = [p.strip() for p in (body or "").split("\n\n")[:4]]
    first = next((p for p in paragraphs if len(p) >= 80), "")
    match = TEXT_DATE.search(first[:60])
    if match is None or not _DATELINE_PLACE.fullmatch(first[: match.start()]):
        return None
    return date_span(first[match.start() :])
