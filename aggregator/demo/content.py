"""Deterministic article content for the sample news site.

Titles and paragraphs are assembled from small hand-written phrase lists
with a seeded random generator, so a site of any size is the same on every
run and every article's text is distinct.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime

SUBJECTS = (
    "The city council",
    "Regional health officials",
    "A coalition of farmers",
    "The national weather service",
    "Local schools",
    "The transport authority",
    "A group of researchers",
    "The harbour commission",
    "Small business owners",
    "The central bank",
    "Volunteer firefighters",
    "The university hospital",
    "Museum curators",
    "The port workers' union",
    "Energy regulators",
    "A team of engineers",
    "The football federation",
    "Library staff",
)
ACTIONS = (
    "approved a plan to",
    "announced it will",
    "voted against a proposal to",
    "warned it may have to",
    "asked the government to",
    "agreed to",
    "launched a campaign to",
    "published a report urging officials to",
    "said it is preparing to",
    "postponed a decision to",
)
OBJECTS = (
    "expand the night bus network",
    "rebuild the old river bridge",
    "raise interest rates by a quarter point",
    "open three new clinics",
    "cut water use during the heatwave",
    "restore the historic market hall",
    "hire two hundred more nurses",
    "replace ageing school buildings",
    "extend the cycling lanes to the suburbs",
    "review the budget for next year",
    "plant ten thousand trees along the coast",
    "modernise the fire stations",
    "fund a study of coastal erosion",
    "lower tuition for local students",
)
PLACES = (
    "Riverside",
    "the old town",
    "Northfield",
    "the harbour district",
    "Westbrook",
    "the university quarter",
    "Eastgate",
    "the industrial park",
    "Hillcrest",
    "Lakeside",
    "the central station",
    "Southmoor",
    "the market square",
    "Greenhaven",
    "Stonebridge",
)
PEOPLE = (
    "Ana Ribeiro",
    "Tomas Novak",
    "Grace Mensah",
    "Luca Bernardi",
    "Priya Nair",
    "Oskar Lindqvist",
    "Fatima Haddad",
    "Daniel Murphy",
    "Yuki Sato",
    "Hannah Becker",
)
ROLES = (
    "the mayor",
    "a spokesperson",
    "the finance director",
    "a local resident",
    "an independent analyst",
    "the project manager",
    "a union representative",
)
MONTHS = ("January", "March", "May", "September", "October", "December")
TEMPLATES = (
    "{person}, {role}, said the work in {place} would start in {month} and cost about {n} million euros.",
    "About {n} people attended a meeting in {place} on the subject, {n2} of whom asked to speak.",
    "Figures released in {month} showed a rise of {n} percent in {place} over two years.",
    "{person} argued that {place} had waited {n} years for a decision of this kind.",
    "The proposal covers {n} sites, including {place} and {place2}, according to the plan.",
    "Critics in {place} said the estimate of {n} million euros left out maintenance.",
    "{person}, {role}, told reporters the timetable for {place2} was still open.",
    "A survey of {n2} households in {place} found most residents in favour.",
    "The last comparable project, in {place2}, finished {n} months late.",
    "Officials expect a final vote in {month}, after a review of {n} objections.",
    "{person} said {place} and {place2} would share the first {n} million euros.",
    "Work in {place2} was paused in {month} after {n} complaints about noise.",
)
QUOTES = (
    "\u201cThis is the most important investment {place} has seen in a generation,\u201d {person} said.",
    "\u201cWe cannot wait until {month} for a decision,\u201d {person} told reporters.",
    "\u201cThe numbers for {place} simply do not add up,\u201d said {person}, {role}.",
    "\u201cWe listened, and we changed the proposal for {place2},\u201d {role} said.",
)
AUTHORS = ("Maria Lopez", "James Whitfield", "Aiko Tanaka", "Samuel Okafor", "Elena Petrova")
TAGS = ("Politics", "Economy", "Health", "Transport", "Education", "Climate", "Culture")


@dataclass(slots=True)
class DemoArticle:
    """One article of the sample site and how its page shows its date."""

    number: int
    slug: str
    title: str
    paragraphs: list[str]
    published: datetime
    date_style: str
    """`jsonld`, `meta`, `time`, or `none` (the page shows no date of its own)."""
    author: str | None
    tags: list[str] = field(default_factory=list)
    category: str = "News"

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"

    @property
    def summary(self) -> str:
        return self.paragraphs[0][:150].rsplit(" ", 1)[0] + "\u2026"


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def make_title(rng: random.Random, number: int) -> str:
    """A headline; the number keeps it unique on large generated sites."""
    subject = SUBJECTS[number % len(SUBJECTS)]
    action = ACTIONS[(number // len(SUBJECTS)) % len(ACTIONS)]
    obj = OBJECTS[rng.randrange(len(OBJECTS))]
    title = f"{subject} {action} {obj}"
    if number >= len(SUBJECTS) * len(ACTIONS):
        title += f" (part {number // (len(SUBJECTS) * len(ACTIONS)) + 1})"
    return title


def _sentence(rng: random.Random, templates: tuple[str, ...]) -> str:
    place, place2 = rng.sample(PLACES, 2)
    return rng.choice(templates).format(
        person=rng.choice(PEOPLE),
        role=rng.choice(ROLES),
        place=place,
        place2=place2,
        month=rng.choice(MONTHS),
        n=rng.randint(2, 90),
        n2=rng.randint(100, 900),
    )


def make_paragraphs(rng: random.Random, title: str, count: int) -> list[str]:
    """`count` paragraphs of three to five sentences, the first restating the title."""
    lead = f"{title}, according to a statement released on Tuesday morning."
    paragraphs = [" ".join([lead, _sentence(rng, TEMPLATES), _sentence(rng, TEMPLATES)])]
    for index in range(1, count):
        sentences = [_sentence(rng, TEMPLATES) for _ in range(rng.randint(2, 4))]
        if index % 2 == 0:
            sentences.insert(1, _sentence(rng, QUOTES))
        paragraphs.append(" ".join(sentences))
    return paragraphs
