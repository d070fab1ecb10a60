# ruff: noqa: RUF001 (rows are page text: Cyrillic letters and typographic apostrophes)
"""Relative dates in seven languages: amounts ago, "yesterday", "just now", prefixes.

Fetch time: Friday 2024-07-05 12:00:45 UTC. Sub-day amounts count back to the
second; days and longer are calendar days in the site's zone, at midnight.
Every row also runs without its language hint.
"""

from __future__ import annotations

import pytest

from tests.unit.test_dates_table import Case, cases, check, params

ENGLISH = cases(
    [
        ("29 mins ago", "2024-07-05T11:31:45Z", "minute"),
        ("23 mins ago", "2024-07-05T11:37:45Z", "minute"),
        ("26 mins ago", "2024-07-05T11:34:45Z", "minute"),
        ("27 mins ago", "2024-07-05T11:33:45Z", "minute"),
        ("34 mins ago", "2024-07-05T11:26:45Z", "minute"),
        ("36 mins ago", "2024-07-05T11:24:45Z", "minute"),
        ("1 min ago", "2024-07-05T11:59:45Z", "minute"),
        ("5 minutes ago", "2024-07-05T11:55:45Z", "minute"),
        ("45m", "2024-07-05T11:15:45Z", "minute"),
        ("an hour ago", "2024-07-05T11:00:45Z", "hour"),
        ("2 hours ago", "2024-07-05T10:00:45Z", "hour"),
        ("3 hrs ago", "2024-07-05T09:00:45Z", "hour"),
        ("10h", "2024-07-05T02:00:45Z", "hour"),
        ("30 seconds ago", "2024-07-05T12:00:15Z", "second"),
        ("a few seconds ago", "2024-07-05T12:00:45Z", "minute"),
        ("just now", "2024-07-05T12:00:45Z", "minute"),
        ("3 days ago", "2024-07-02T00:00:00Z", "day"),
        ("2d", "2024-07-03T00:00:00Z", "day"),
        ("a day ago", "2024-07-04T00:00:00Z", "day"),
        ("1 week ago", "2024-06-28T00:00:00Z", "day"),
        ("2 weeks ago", "2024-06-21T00:00:00Z", "day"),
        ("2 months ago", "2024-05-01T00:00:00Z", "month"),
        ("a year ago", "2023-01-01T00:00:00Z", "year"),
        ("Posted 3 hours ago", "2024-07-05T09:00:45Z", "hour"),
        ("Updated 5 mins ago", "2024-07-05T11:55:45Z", "minute"),
        ("Published: 2 hours ago", "2024-07-05T10:00:45Z", "hour"),
        ("1 hour 20 minutes ago", "2024-07-05T10:40:45Z", "minute"),
        ("1h 30m ago", "2024-07-05T10:30:45Z", "minute"),
        ("yesterday", "2024-07-04T00:00:00Z", "day"),
        ("Yesterday at 5:30 PM", "2024-07-04T17:30:00Z", "minute"),
        ("today", "2024-07-05T00:00:00Z", "day"),
        ("Today, 9:15 AM", "2024-07-05T09:15:00Z", "minute"),
        ("the day before yesterday", "2024-07-03T00:00:00Z", "day"),
    ],
    languages=("en",),
)

SPANISH = cases(
    [
        ("hace 3 horas", "2024-07-05T09:00:45Z", "hour"),
        ("hace 5 minutos", "2024-07-05T11:55:45Z", "minute"),
        ("hace un minuto", "2024-07-05T11:59:45Z", "minute"),
        ("hace una hora", "2024-07-05T11:00:45Z", "hour"),
        ("Hace 10 min", "2024-07-05T11:50:45Z", "minute"),
        ("hace 2 h", "2024-07-05T10:00:45Z", "hour"),
        ("hace 30 segundos", "2024-07-05T12:00:15Z", "second"),
        ("hace unos segundos", "2024-07-05T12:00:45Z", "minute"),
        ("hace un día", "2024-07-04T00:00:00+02:00", "day"),
        ("hace 3 días", "2024-07-02T00:00:00+02:00", "day"),
        ("hace 2 semanas", "2024-06-21T00:00:00+02:00", "day"),
        ("hace 2 meses", "2024-05-01T00:00:00+02:00", "month"),
        ("hace un año", "2023-01-01T00:00:00+01:00", "year"),
        ("ayer", "2024-07-04T00:00:00+02:00", "day"),
        ("Ayer a las 17:30", "2024-07-04T17:30:00+02:00", "minute"),
        ("hoy", "2024-07-05T00:00:00+02:00", "day"),
        ("hoy, 10:15", "2024-07-05T10:15:00+02:00", "minute"),
        ("anteayer", "2024-07-03T00:00:00+02:00", "day"),
        ("ahora mismo", "2024-07-05T12:00:45Z", "minute"),
        ("Publicado hace 2 horas", "2024-07-05T10:00:45Z", "hour"),
        ("Actualizado hace 15 minutos", "2024-07-05T11:45:45Z", "minute"),
        ("hace 1 hora y 20 minutos", "2024-07-05T10:40:45Z", "minute"),
    ],
    timezone="Europe/Madrid",
    languages=("es",),
)

FRENCH = cases(
    [
        ("il y a 3 heures", "2024-07-05T09:00:45Z", "hour"),
        ("il y a 5 min", "2024-07-05T11:55:45Z", "minute"),
        ("il y a une minute", "2024-07-05T11:59:45Z", "minute"),
        ("Il y a 1 h", "2024-07-05T11:00:45Z", "hour"),
        ("il y a 30 secondes", "2024-07-05T12:00:15Z", "second"),
        ("il y a quelques secondes", "2024-07-05T12:00:45Z", "minute"),
        ("à l’instant", "2024-07-05T12:00:45Z", "minute"),
        ("il y a 2 jours", "2024-07-03T00:00:00+02:00", "day"),
        ("il y a 1 semaine", "2024-06-28T00:00:00+02:00", "day"),
        ("il y a 3 mois", "2024-04-01T00:00:00+02:00", "month"),
        ("il y a 2 ans", "2022-01-01T00:00:00+01:00", "year"),
        ("hier", "2024-07-04T00:00:00+02:00", "day"),
        ("Hier à 17h30", "2024-07-04T17:30:00+02:00", "minute"),
        ("aujourd'hui", "2024-07-05T00:00:00+02:00", "day"),
        ("Aujourd’hui à 09h05", "2024-07-05T09:05:00+02:00", "minute"),
        ("avant-hier", "2024-07-03T00:00:00+02:00", "day"),
        ("Publié il y a 2 heures", "2024-07-05T10:00:45Z", "hour"),
        ("Mis à jour il y a 10 min", "2024-07-05T11:50:45Z", "minute"),
    ],
    timezone="Europe/Paris",
    languages=("fr",),
)

GERMAN = cases(
    [
        ("vor 3 Stunden", "2024-07-05T09:00:45Z", "hour"),
        ("vor 5 Minuten", "2024-07-05T11:55:45Z", "minute"),
        ("vor einer Minute", "2024-07-05T11:59:45Z", "minute"),
        ("vor einer Stunde", "2024-07-05T11:00:45Z", "hour"),
        ("vor 10 Min.", "2024-07-05T11:50:45Z", "minute"),
        ("vor 2 Std.", "2024-07-05T10:00:45Z", "hour"),
        ("vor 30 Sekunden", "2024-07-05T12:00:15Z", "second"),
        ("vor wenigen Sekunden", "2024-07-05T12:00:45Z", "minute"),
        ("gerade eben", "2024-07-05T12:00:45Z", "minute"),
        ("vor 1 Tag", "2024-07-04T00:00:00+02:00", "day"),
        ("vor 2 Tagen", "2024-07-03T00:00:00+02:00", "day"),
        ("vor einer Woche", "2024-06-28T00:00:00+02:00", "day"),
        ("vor 3 Wochen", "2024-06-14T00:00:00+02:00", "day"),
        ("vor 2 Monaten", "2024-05-01T00:00:00+02:00", "month"),
        ("vor einem Jahr", "2023-01-01T00:00:00+01:00", "year"),
        ("gestern", "2024-07-04T00:00:00+02:00", "day"),
        ("Gestern um 17:30 Uhr", "2024-07-04T17:30:00+02:00", "minute"),
        ("heute", "2024-07-05T00:00:00+02:00", "day"),
        ("heute, 10:15 Uhr", "2024-07-05T10:15:00+02:00", "minute"),
        ("vorgestern", "2024-07-03T00:00:00+02:00", "day"),
        ("Aktualisiert vor 5 Minuten", "2024-07-05T11:55:45Z", "minute"),
    ],
    timezone="Europe/Berlin",
    languages=("de",),
)

PORTUGUESE = cases(
    [
        ("há 3 horas", "2024-07-05T09:00:45Z", "hour"),
        ("há 5 minutos", "2024-07-05T11:55:45Z", "minute"),
        ("há 1 minuto", "2024-07-05T11:59:45Z", "minute"),
        ("há uma hora", "2024-07-05T11:00:45Z", "hour"),
        ("há 30 segundos", "2024-07-05T12:00:15Z", "second"),
        ("3 horas atrás", "2024-07-05T09:00:45Z", "hour"),
        ("agora mesmo", "2024-07-05T12:00:45Z", "minute"),
        ("há 2 dias", "2024-07-03T00:00:00-03:00", "day"),
        ("2 dias atrás", "2024-07-03T00:00:00-03:00", "day"),
        ("há 1 semana", "2024-06-28T00:00:00-03:00", "day"),
        ("há 2 meses", "2024-05-01T00:00:00-03:00", "month"),
        ("há um ano", "2023-01-01T00:00:00-03:00", "year"),
        ("ontem", "2024-07-04T00:00:00-03:00", "day"),
        ("ontem às 17h30", "2024-07-04T17:30:00-03:00", "minute"),
        ("hoje", "2024-07-05T00:00:00-03:00", "day"),
        ("Hoje às 08h15", "2024-07-05T08:15:00-03:00", "minute"),
        ("anteontem", "2024-07-03T00:00:00-03:00", "day"),
        ("Atualizado há 10 minutos", "2024-07-05T11:50:45Z", "minute"),
    ],
    timezone="America/Sao_Paulo",
    languages=("pt",),
)

ITALIAN = cases(
    [
        ("3 ore fa", "2024-07-05T09:00:45Z", "hour"),
        ("5 minuti fa", "2024-07-05T11:55:45Z", "minute"),
        ("un minuto fa", "2024-07-05T11:59:45Z", "minute"),
        ("un’ora fa", "2024-07-05T11:00:45Z", "hour"),
        ("10 min fa", "2024-07-05T11:50:45Z", "minute"),
        ("30 secondi fa", "2024-07-05T12:00:15Z", "second"),
        ("pochi secondi fa", "2024-07-05T12:00:45Z", "minute"),
        ("adesso", "2024-07-05T12:00:45Z", "minute"),
        ("1 giorno fa", "2024-07-04T00:00:00+02:00", "day"),
        ("2 giorni fa", "2024-07-03T00:00:00+02:00", "day"),
        ("una settimana fa", "2024-06-28T00:00:00+02:00", "day"),
        ("2 mesi fa", "2024-05-01T00:00:00+02:00", "month"),
        ("un anno fa", "2023-01-01T00:00:00+01:00", "year"),
        ("ieri", "2024-07-04T00:00:00+02:00", "day"),
        ("ieri alle 17:30", "2024-07-04T17:30:00+02:00", "minute"),
        ("oggi", "2024-07-05T00:00:00+02:00", "day"),
        ("Oggi alle 08:15", "2024-07-05T08:15:00+02:00", "minute"),
        ("l'altro ieri", "2024-07-03T00:00:00+02:00", "day"),
        ("Pubblicato 2 ore fa", "2024-07-05T10:00:45Z", "hour"),
    ],
    timezone="Europe/Rome",
    languages=("it",),
)

RUSSIAN = cases(
    [
        ("3 часа назад", "2024-07-05T09:00:45Z", "hour"),
        ("5 минут назад", "2024-07-05T11:55:45Z", "minute"),
        ("минуту назад", "2024-07-05T11:59:45Z", "minute"),
        ("час назад", "2024-07-05T11:00:45Z", "hour"),
        ("5 мин назад", "2024-07-05T11:55:45Z", "minute"),
        ("2 ч назад", "2024-07-05T10:00:45Z", "hour"),
        ("30 секунд назад", "2024-07-05T12:00:15Z", "second"),
        ("несколько секунд назад", "2024-07-05T12:00:45Z", "minute"),
        ("только что", "2024-07-05T12:00:45Z", "minute"),
        ("1 день назад", "2024-07-04T00:00:00+03:00", "day"),
        ("2 дня назад", "2024-07-03T00:00:00+03:00", "day"),
        ("неделю назад", "2024-06-28T00:00:00+03:00", "day"),
        ("2 месяца назад", "2024-05-01T00:00:00+03:00", "month"),
        ("год назад", "2023-01-01T00:00:00+03:00", "year"),
        ("вчера", "2024-07-04T00:00:00+03:00", "day"),
        ("Вчера в 17:30", "2024-07-04T17:30:00+03:00", "minute"),
        ("сегодня", "2024-07-05T00:00:00+03:00", "day"),
        ("сегодня в 10:15", "2024-07-05T10:15:00+03:00", "minute"),
        ("позавчера", "2024-07-03T00:00:00+03:00", "day"),
    ],
    timezone="Europe/Moscow",
    languages=("ru",),
)

ROWS: list[Case] = [*ENGLISH, *SPANISH, *FRENCH, *GERMAN, *PORTUGUESE, *ITALIAN, *RUSSIAN]


@pytest.mark.parametrize("case", params(ROWS))
def test_relative_dates_with_the_site_language(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", params(case.without_hint() for case in ROWS))
def test_relative_dates_without_a_language_hint(case: Case) -> None:
    check(case)
