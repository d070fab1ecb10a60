"""Text clean-up shared by the fast paths: case, spaces, accents, prefixes, tokens.

`clean` keeps the text's letters (dateparser gets it as is); `fold` removes
accents without changing the length, so an index found in the folded text (the
end of a "Publié le" prefix) is valid in the clean text too.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces that CMSs and ICU put into dates ("9:05\u202fPM"), and quote marks.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u2009\u200a\u202f\u205f\u3000\t\r\n\f\v"), " ")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u02bc\u00b4`"), "'")
_CLEAN = {**_SPACES, **_QUOTES, ord("\u200b"): None, ord("\ufeff"): None}
_MULTISPACE = re.compile(r" {2,}")
# a.m. / p. m. / A.M. after a number become "am" / "pm".
_MERIDIEM = re.compile(r"(\d)\s*([ap])\.?\s?m\b\.?")


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[:1]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    table[0x0451] = "\u0435"  # Cyrillic yo is written as ye as often as not
    return table


_FOLD = _fold_table()


def clean(raw: str) -> str:
    """Lower-case, one space between words, unusual spaces and quotes made plain."""
    if not raw.isascii():
        raw = unicodedata.normalize("NFC", raw).translate(_CLEAN)
    else:
        raw = raw.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    text = _MULTISPACE.sub(" ", raw.lower()).strip(" ,;|·•-\u2013\u2014()[]")
    return _MERIDIEM.sub(r"\1 \2m", text) if "m" in text else text


def fold(text: str) -> str:
    """Remove accents from Latin letters (é -> e, ß stays), keeping the length."""
    return text if text.isascii() else text.translate(_FOLD)


# Labels that CMSs print before a date. Folded: "publié" is written "publie".
_PREFIX = re.compile(
    r"(?:(?:last\s+)?(?:posted|updated|published|modified|created|first published)"
    r"(?:\s+(?:on|at))?|date|dated|time"
    r"|(?:publicado|actualizado|modificado|atualizado)(?:\s+(?:el|em|en|a las|as))?|fecha"
    r"|(?:publie|publiee|mis a jour|modifie)(?:\s+(?:le|a))?"
    r"|(?:zuletzt\s+)?(?:veroffentlicht|aktualisiert|geandert)(?:\s+(?:am|um))?|stand|datum"
    r"|(?:pubblicato|aggiornato|modificato)(?:\s+(?:il|alle|ore|alle ore))?|data"
    r"|опубликовано|обновлено|дата публикации|дата)"
    r"\s*(?:[:|·•\-\u2013\u2014]\s*|\b)"
)


def prefix_end(folded: str) -> int:
    """Where the date starts after labels such as "Posted", "Publié le", "Stand:"."""
    end = 0
    for _ in range(2):
        match = _PREFIX.match(folded, end)
        if match is None or match.end() == end:
            break
        end = match.end()
        while end < len(folded) and folded[end] in " :":
            end += 1
    return end


_TOKEN = re.compile(r"\d+|[^\W\d_]+")


def tokenize(text: str) -> list[str]:
    """Runs of digits and runs of letters; punctuation, apostrophes and hyphens split."""
    return _TOKEN.findall(text)
