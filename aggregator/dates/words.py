# ruff: noqa: RUF001, RUF003 (Russian words are written in Cyrillic on purpose)
"""Per-language date vocabularies for the fast paths, and the merged lookup tables.

Each language lists its words in a fixed order (months January..December,
weekdays Monday..Sunday, units second..year, numbers one..twelve), one slot per
space; `|` joins synonyms and abbreviations of one slot (and is the only
separator in the phrase lists, whose entries may contain spaces). The tables
are merged across languages because date words rarely collide between them
(where they do, such as "mar" or "ago", they mean the same thing in every
language that uses them), which lets text be read without a language hint.
Everything is stored accent-folded and lower-case, as `text.fold` produces it.

Languages covered here: en, es, fr, de, pt, it, ru. Anything else goes to the
dateparser fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.dates.model import Unit
from aggregator.dates.text import fold, tokenize


@dataclass(frozen=True, slots=True)
class Vocabulary:
    months: str
    weekdays: str
    units: str
    numbers: str
    few: str
    today: str
    yesterday: str
    ereyesterday: str
    """The day before yesterday."""
    now: str
    """Phrases meaning "just now" (whole text), `|`-separated."""
    before: str = ""
    """Words that precede an amount ("hace 3 horas"), `|`-separated."""
    after: str = ""
    """Words that follow an amount ("3 hours ago"), `|`-separated."""


LANGUAGES: dict[str, Vocabulary] = {
    "en": Vocabulary(
        months="january|jan february|feb march|mar april|apr may june|jun july|jul august|aug "
        "september|sep|sept october|oct november|nov december|dec",
        weekdays="monday|mon tuesday|tue|tues wednesday|wed thursday|thu|thur|thurs friday|fri "
        "saturday|sat sunday|sun",
        units="second|seconds|sec|secs|s minute|minutes|min|mins|m hour|hours|hr|hrs|h "
        "day|days|d week|weeks|wk|wks|w month|months|mo|mos year|years|yr|yrs|y",
        numbers="a|an|one two three four five six seven eight nine ten eleven twelve",
        few="few|a few|several|some",
        today="today",
        yesterday="yesterday",
        ereyesterday="day before yesterday|the day before yesterday",
        now="now|just now|right now|moments ago|a moment ago|just in",
        after="ago",
    ),
    "es": Vocabulary(
        months="enero|ene febrero|feb marzo|mar abril|abr mayo|may junio|jun julio|jul "
        "agosto|ago septiembre|setiembre|sep|sept|set octubre|oct noviembre|nov diciembre|dic",
        weekdays="lunes|lun martes miércoles|mié|mie jueves|jue viernes|vie sábado|sáb domingo|dom",
        units="segundo|segundos|seg|segs minuto|minutos|min|mins hora|horas|h|hs|hr|hrs "
        "día|días|d semana|semanas|sem mes|meses año|años",
        numbers="un|una|uno dos tres cuatro cinco seis siete ocho nueve diez once doce",
        few="unos|unas|algunos|algunas|pocos|pocas",
        today="hoy",
        yesterday="ayer",
        ereyesterday="anteayer|antier|antes de ayer",
        now="ahora|ahora mismo|hace un momento|hace unos momentos|hace instantes"
        "|hace unos instantes|recién|justo ahora",
        before="hace",
        after="atrás",
    ),
    "fr": Vocabulary(
        months="janvier|janv|jan février|févr|fév mars|mar avril|avr mai juin juillet|juil "
        "août|aou septembre|sept|sep octobre|oct novembre|nov décembre|déc",
        weekdays="lundi|lun mardi mercredi|mer jeudi|jeu vendredi|ven samedi|sam dimanche|dim",
        units="seconde|secondes|sec|s minute|minutes|min|mn heure|heures|h jour|jours|j "
        "semaine|semaines|sem mois an|ans|année|années",
        numbers="un|une deux trois quatre cinq six sept huit neuf dix onze douze",
        few="quelques|plusieurs",
        today="aujourd'hui",
        yesterday="hier",
        ereyesterday="avant-hier",
        now="maintenant|à l'instant|il y a un instant|à l'instant même|en ce moment",
        before="il y a",
    ),
    "de": Vocabulary(
        months="januar|jänner|jan|jän februar|feb märz|mär|mrz april|apr mai juni|jun "
        "juli|jul august|aug september|sep|sept oktober|okt november|nov dezember|dez",
        weekdays="montag|mo dienstag|di mittwoch|mi donnerstag|do freitag|fr "
        "samstag|sonnabend|sa sonntag|so",
        units="sekunde|sekunden|sek|s minute|minuten|min|m stunde|stunden|std|h "
        "tag|tage|tagen woche|wochen monat|monate|monaten jahr|jahre|jahren",
        numbers="ein|eine|einer|einem|einen zwei drei vier fünf sechs sieben acht neun zehn "
        "elf zwölf",
        few="wenigen|einigen|ein paar|paar",
        today="heute",
        yesterday="gestern",
        ereyesterday="vorgestern",
        now="jetzt|gerade|gerade eben|soeben|eben",
        before="vor",
    ),
    "pt": Vocabulary(
        months="janeiro|jan fevereiro|fev março|mar abril|abr maio|mai junho|jun julho|jul "
        "agosto|ago setembro|set outubro|out novembro|nov dezembro|dez",
        weekdays="segunda-feira|segunda|seg terça-feira|terça|ter quarta-feira|quarta|qua "
        "quinta-feira|quinta|qui sexta-feira|sexta|sex sábado|sáb domingo|dom",
        units="segundo|segundos|seg|s minuto|minutos|min|mins hora|horas|h|hrs "
        "dia|dias|d semana|semanas|sem mês|meses ano|anos",
        numbers="um|uma dois|duas três quatro cinco seis sete oito nove dez onze doze",
        few="alguns|algumas|poucos|poucas",
        today="hoje",
        yesterday="ontem",
        ereyesterday="anteontem|antes de ontem",
        now="agora|agora mesmo|há instantes|neste momento",
        before="há|faz",
        after="atrás",
    ),
    "it": Vocabulary(
        months="gennaio|gen febbraio|feb marzo|mar aprile|apr maggio|mag giugno|giu "
        "luglio|lug agosto|ago settembre|set|sett ottobre|ott novembre|nov dicembre|dic",
        weekdays="lunedì|lun martedì mercoledì|mer giovedì|gio venerdì|ven sabato|sab domenica|dom",
        units="secondo|secondi|sec|s minuto|minuti|min h|ora|ore giorno|giorni|gg|g "
        "settimana|settimane|sett mese|mesi anno|anni",
        numbers="un|uno|una due tre quattro cinque sei sette otto nove dieci undici dodici",
        few="qualche|pochi|poche|alcuni|alcune",
        today="oggi",
        yesterday="ieri",
        ereyesterday="l'altro ieri|l'altroieri|altroieri|ieri l'altro",
        now="adesso|ora|proprio ora|pochi istanti fa|in questo momento",
        after="fa",
    ),
    "ru": Vocabulary(
        months="январь|января|янв февраль|февраля|фев март|марта|мар апрель|апреля|апр "
        "май|мая июнь|июня|июн июль|июля|июл август|августа|авг "
        "сентябрь|сентября|сен|сент октябрь|октября|окт ноябрь|ноября|ноя декабрь|декабря|дек",
        weekdays="понедельник|пн вторник|вт среда|среду|ср четверг|чт пятница|пятницу|пт "
        "суббота|субботу|сб воскресенье|вс",
        units="секунда|секунды|секунд|секунду|сек минута|минуты|минут|минуту|мин "
        "час|часа|часов|ч день|дня|дней|дн неделя|недели|недель|неделю|нед "
        "месяц|месяца|месяцев|мес год|года|лет|г",
        numbers="один|одна|одну|одно два|две три четыре пять шесть семь восемь девять десять "
        "одиннадцать двенадцать",
        few="несколько|пару|пара",
        today="сегодня",
        yesterday="вчера",
        ereyesterday="позавчера",
        now="сейчас|только что|прямо сейчас|только сейчас",
        after="назад",
    ),
}

UNIT_ORDER: tuple[Unit, ...] = ("second", "minute", "hour", "day", "week", "month", "year")

#: Words that may sit between the parts of an absolute date and mean nothing
#: for its value (articles, prepositions, ordinal suffixes, "Uhr", "г.").
FILLERS = frozenset(
    _word
    for _line in (
        "at on the of in de del do da das a as las la el le les em no na um am den der",
        "uhr h hs hrs horas heures alle ore il dia st nd rd th er re eme o e feira º ª",
        "в г года году гг и ч",
    )
    for _word in _line.split(" ")
)


Phrase = tuple[str, ...]


def _phrases(words: str) -> list[Phrase]:
    """`a|b c|d` -> the tokenised, folded phrases a, b c, d."""
    return [tuple(tokenize(fold(word))) for word in words.split("|") if word.strip()]


def _slotted(field: str, values: tuple[int, ...]) -> dict[Phrase, int]:
    """Space-separated slots of `field` in every language -> the slot's value."""
    table: dict[Phrase, int] = {}
    for vocabulary in LANGUAGES.values():
        slots = getattr(vocabulary, field).split()
        if len(slots) != len(values):
            raise ValueError(f"{field}: expected {len(values)} slots, got {slots}")
        for slot, value in zip(slots, values, strict=True):
            for phrase in _phrases(slot):
                table.setdefault(phrase, value)
    return table


def _flat(field: str) -> frozenset[Phrase]:
    return frozenset(p for v in LANGUAGES.values() for p in _phrases(getattr(v, field)))


MONTHS = _slotted("months", tuple(range(1, 13)))
WEEKDAYS = _slotted("weekdays", tuple(range(7)))
NUMBERS = _slotted("numbers", tuple(range(1, 13)))
UNITS: dict[Phrase, Unit] = {
    phrase: UNIT_ORDER[index] for phrase, index in _slotted("units", tuple(range(7))).items()
}
DAYS_BACK: dict[Phrase, int] = {
    **dict.fromkeys(_flat("today"), 0),
    **dict.fromkeys(_flat("yesterday"), 1),
    **dict.fromkeys(_flat("ereyesterday"), 2),
}
FEW = _flat("few")
NOW = _flat("now")
BEFORE = _flat("before")
AFTER = _flat("after")

#: Units that may stand without "ago" ("10h", "2d", "5 min"), as on social teasers.
COMPACT_UNITS = frozenset(_phrases("s|sec|m|min|mins|h|hr|hrs|d|w|wk|mo|y|yr|std|мин|ч|дн|нед|мес"))

#: Words joining parts of an amount ("1 hour and 20 minutes").
CONJUNCTIONS = frozenset(_phrases("and|y|et|und|e|и"))
