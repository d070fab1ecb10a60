"""Timezones: both DST transitions in Madrid and New York, midnight crossings in
the site's zone, and year-less dates around New Year.

Rules under test (see `aggregator/dates/zones.py`): a wall time that happens
twice when clocks go back is the later one unless that is still to come; a
wall time in the gap when clocks go forward is read with the offset in force
before the change.
"""

from __future__ import annotations

import pytest

from tests.unit.test_dates_table import Case, cases, check, params

MADRID = "Europe/Madrid"
NEW_YORK = "America/New_York"

# Madrid: clocks go forward on 2024-03-31 at 02:00 CET to 03:00 CEST.
MADRID_SPRING = cases(
    [
        ("31/03/2024 01:30", "2024-03-31T00:30:00Z", "minute"),
        ("31/03/2024 02:30", "2024-03-31T01:30:00Z", "minute"),
        ("31/03/2024 03:30", "2024-03-31T01:30:00Z", "minute"),
        ("ayer", "2024-03-30T00:00:00+01:00", "day"),
        ("hoy", "2024-03-31T00:00:00+01:00", "day"),
        ("hace 1 día", "2024-03-30T00:00:00+01:00", "day"),
        ("hace 12 horas", "2024-03-31T00:00:00Z", "hour"),
    ],
    timezone=MADRID,
    languages=("es",),
    now="2024-03-31T12:00:00Z",
)
MADRID_AFTER_SPRING = cases(
    [
        ("ayer", "2024-03-31T00:00:00+01:00", "day"),
        ("hoy", "2024-04-01T00:00:00+02:00", "day"),
        ("ayer a las 02:30", "2024-03-31T01:30:00Z", "minute"),
    ],
    timezone=MADRID,
    languages=("es",),
    now="2024-04-01T10:00:00Z",
)
# Madrid: clocks go back on 2024-10-27 at 03:00 CEST to 02:00 CET; 02:30 happens twice.
MADRID_AUTUMN = cases(
    [
        ("27/10/2024 01:30", "2024-10-26T23:30:00Z", "minute"),
        ("27/10/2024 02:30", "2024-10-27T01:30:00Z", "minute"),
        ("27/10/2024 03:30", "2024-10-27T02:30:00Z", "minute"),
        ("hoy", "2024-10-27T00:00:00+02:00", "day"),
    ],
    timezone=MADRID,
    languages=("es",),
    now="2024-10-27T12:00:00Z",
)
MADRID_AUTUMN_FIRST_PASS = cases(
    [("02:30", "2024-10-27T00:30:00Z", "minute")],
    timezone=MADRID,
    now="2024-10-27T00:45:00Z",  # 02:45 CEST: the second 02:30 is still to come
)
MADRID_AUTUMN_SECOND_PASS = cases(
    [("02:30", "2024-10-27T01:30:00Z", "minute")],
    timezone=MADRID,
    now="2024-10-27T01:40:00Z",  # 02:40 CET
)
MADRID_AFTER_AUTUMN = cases(
    [
        ("ayer", "2024-10-27T00:00:00+02:00", "day"),
        ("hoy", "2024-10-28T00:00:00+01:00", "day"),
        ("hace 2 días", "2024-10-26T00:00:00+02:00", "day"),
    ],
    timezone=MADRID,
    languages=("es",),
    now="2024-10-28T10:00:00Z",
)

# New York: clocks go forward on 2024-03-10 at 02:00 EST to 03:00 EDT.
NEW_YORK_SPRING = cases(
    [
        ("03/10/2024 1:30 AM", "2024-03-10T06:30:00Z", "minute"),
        ("03/10/2024 2:30 AM", "2024-03-10T07:30:00Z", "minute"),
        ("03/10/2024 3:30 AM", "2024-03-10T07:30:00Z", "minute"),
        ("Mar 10, 2024 10:00 AM ET", "2024-03-10T14:00:00Z", "minute"),
        ("Mar 9, 2024 10:00 AM ET", "2024-03-09T15:00:00Z", "minute"),
        ("yesterday", "2024-03-10T05:00:00Z", "day"),
        ("today", "2024-03-11T04:00:00Z", "day"),
    ],
    timezone=NEW_YORK,
    languages=("en",),
    now="2024-03-11T15:00:00Z",
)
# New York: clocks go back on 2024-11-03 at 02:00 EDT to 01:00 EST; 1:30 happens twice.
NEW_YORK_AUTUMN = cases(
    [
        ("11/03/2024 1:30 AM", "2024-11-03T06:30:00Z", "minute"),
        ("11/03/2024 12:30 AM", "2024-11-03T04:30:00Z", "minute"),
        ("11/03/2024 2:30 AM", "2024-11-03T07:30:00Z", "minute"),
        ("Nov 3, 2024 6:00 AM ET", "2024-11-03T11:00:00Z", "minute"),
        ("Nov 2, 2024 10:00 AM ET", "2024-11-02T14:00:00Z", "minute"),
        ("today", "2024-11-03T04:00:00Z", "day"),
    ],
    timezone=NEW_YORK,
    languages=("en",),
    now="2024-11-03T12:00:00Z",
)
NEW_YORK_AUTUMN_FIRST_PASS = cases(
    [("1:30 AM", "2024-11-03T05:30:00Z", "minute")],
    timezone=NEW_YORK,
    languages=("en",),
    now="2024-11-03T05:45:00Z",  # 01:45 EDT
)
NEW_YORK_AUTUMN_SECOND_PASS = cases(
    [("1:30 AM", "2024-11-03T06:30:00Z", "minute")],
    timezone=NEW_YORK,
    languages=("en",),
    now="2024-11-03T06:45:00Z",  # 01:45 EST
)

# Madrid is already on Saturday (01:30) while UTC is still on Friday.
MIDNIGHT_MADRID = cases(
    [
        ("yesterday", "2024-07-05T00:00:00+02:00", "day"),
        ("today", "2024-07-06T00:00:00+02:00", "day"),
        ("3 hours ago", "2024-07-05T20:30:00Z", "hour"),
        ("hoy 00:15", "2024-07-06T00:15:00+02:00", "minute"),
        ("ayer 23:50", "2024-07-05T23:50:00+02:00", "minute"),
        ("2024-07-06", "2024-07-06T00:00:00+02:00", "day"),
        ("Saturday", "2024-07-06T00:00:00+02:00", "day"),
    ],
    timezone=MADRID,
    now="2024-07-05T23:30:00Z",
)
# New York is still on Thursday (22:00) while UTC is on Friday.
MIDNIGHT_NEW_YORK = cases(
    [
        ("today", "2024-07-04T00:00:00-04:00", "day"),
        ("yesterday", "2024-07-03T00:00:00-04:00", "day"),
        ("11:30 PM", "2024-07-03T23:30:00-04:00", "minute"),
        ("9 pm", "2024-07-04T21:00:00-04:00", "hour"),
        ("July 5", "2023-07-05T00:00:00-04:00", "day"),
        ("2024-07-05", None, None),
    ],
    timezone=NEW_YORK,
    languages=("en",),
    now="2024-07-05T02:00:00Z",
)

NEW_YEAR = cases(
    [
        ("31 de diciembre", "2024-12-31T00:00:00+01:00", "day"),
        ("Dec 31", "2024-12-31T00:00:00+01:00", "day"),
        ("1 Jan", "2025-01-01T00:00:00+01:00", "day"),
        ("2 janvier", "2025-01-02T00:00:00+01:00", "day"),
        ("3 Januar", "2024-01-03T00:00:00+01:00", "day"),
        ("31.12. 23:59", "2024-12-31T23:59:00+01:00", "minute"),
        ("30/12", "2024-12-30T00:00:00+01:00", "day"),
        ("2 gennaio alle 12:00", "2024-01-02T12:00:00+01:00", "minute"),
        ("Dec 31 11:00 PM", "2024-12-31T23:00:00+01:00", "minute"),
    ],
    timezone=MADRID,
    now="2025-01-02T10:00:00Z",
)
NEW_YEAR_AT_MIDNIGHT = cases(
    [
        ("1 enero", "2025-01-01T00:00:00+01:00", "day"),
        ("31 dic", "2024-12-31T00:00:00+01:00", "day"),
        ("ayer", "2024-12-31T00:00:00+01:00", "day"),
        ("hoy", "2025-01-01T00:00:00+01:00", "day"),
    ],
    timezone=MADRID,
    now="2024-12-31T23:30:00Z",  # 00:30 on New Year's Day in Madrid
)
YEARLESS_UTC = cases(
    [
        ("Dec 31", "2024-12-31T00:00:00Z", "day"),
        ("Dec 31 11:00 PM", "2023-12-31T23:00:00Z", "minute"),
        ("Jan 1", "2024-01-01T00:00:00Z", "day"),
    ],
    now="2024-12-31T10:00:00Z",
)
LEAP_DAY = cases(
    [("29 febbraio", "2024-02-29T00:00:00+01:00", "day")],
    timezone="Europe/Rome",
    now="2025-03-01T10:00:00Z",
)

ROWS: list[Case] = [
    *MADRID_SPRING,
    *MADRID_AFTER_SPRING,
    *MADRID_AUTUMN,
    *MADRID_AUTUMN_FIRST_PASS,
    *MADRID_AUTUMN_SECOND_PASS,
    *MADRID_AFTER_AUTUMN,
    *NEW_YORK_SPRING,
    *NEW_YORK_AUTUMN,
    *NEW_YORK_AUTUMN_FIRST_PASS,
    *NEW_YORK_AUTUMN_SECOND_PASS,
    *MIDNIGHT_MADRID,
    *MIDNIGHT_NEW_YORK,
    *NEW_YEAR,
    *NEW_YEAR_AT_MIDNIGHT,
    *YEARLESS_UTC,
    *LEAP_DAY,
]


@pytest.mark.parametrize("case", params(ROWS))
def test_timezones_dst_and_new_year(case: Case) -> None:
    check(case)
