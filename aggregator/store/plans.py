"""Deciding what saving each article of a batch does, before anything is written.

For every item, in order: an article already stored under any of its URL
forms is updated (title, body or modified date changed) or unchanged; a URL
recorded as a copy stays a copy; otherwise the body's exact content hash, then
its near-duplicate fingerprint, is looked up among stored articles and among
the batch's earlier new articles. A near copy counts only across sites (see
`docs/schema.md`, "Duplicates"). What is left is new.

Items of one batch that share a URL form are saved in successive rounds, so
the later version updates the earlier one exactly as across batches.

Everything here is a value: a `Plan` is an item with its URL forms, and
`resolve` answers each plan with a `Decision` that is final once made
(`writes.write_round` reports what the write itself learnt, the ids of new
rows and inserts lost to a concurrent writer, as values of its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import Connection

from aggregator.items import ArticleItem
from aggregator.store import lookups
from aggregator.store.fingerprint import Fingerprint, fingerprint, similarity
from aggregator.store.records import CHANGE_FIELDS
from aggregator.urls import MAX_URL_LENGTH

# Longer URL forms are not recorded: they do not fit the indexed column.


class Outcome(StrEnum):
    """What saving one article did."""

    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE_EXACT = "duplicate_exact"
    DUPLICATE_NEAR = "duplicate_near"

    @property
    def is_copy(self) -> bool:
        return self in (Outcome.DUPLICATE_EXACT, Outcome.DUPLICATE_NEAR)


class Plan(NamedTuple):
    """One item to save: its canonical URL, URL forms (canonical first) and place in the batch."""

    item: ArticleItem
    canonical: str
    forms: tuple[str, ...]
    position: int = 0


class Decision(NamedTuple):
    """What saving one planned item does; final once `resolve` made it.

    A named tuple rather than a frozen dataclass: as immutable, and built in a
    fraction of the time (an unchanged article costs a few microseconds in all).
    """

    plan: Plan
    outcome: Outcome
    article_id: int | None = None
    """The stored article this item is, or copies (None for a new one)."""
    original: int | None = None
    """For a copy of an article new in this round: that article's index in the round."""
    similarity: float = 1.0
    fingerprint: Fingerprint | None = None
    """The fingerprint to store (a new article, or an update whose body changed)."""
    stored: lookups.StoredArticle | None = None
    known_forms: frozenset[str] = frozenset()

    @property
    def item(self) -> ArticleItem:
        return self.plan.item


def make_plan(item: ArticleItem, position: int = 0) -> Plan:
    """The plan of one cleaned item (its canonical URL first among its forms)."""
    assert item.fetched_at is not None, "the validate pipeline drops items without fetched_at"
    canonical = item.canonical_url or item.url
    forms = [f for f in dict.fromkeys([canonical, *item.url_forms, item.url]) if f]
    kept = tuple(f for f in forms if len(f) <= MAX_URL_LENGTH) or (canonical,)
    return Plan(item, canonical, kept, position)


def rounds(items: Sequence[ArticleItem]) -> list[list[Plan]]:
    """The items in order, each in the round after the last one holding any of its URL forms."""
    result: list[list[Plan]] = []
    seen: list[set[str]] = []
    for position, item in enumerate(items):
        plan = make_plan(item, position)
        forms = set(plan.forms)
        index = 1 + max((i for i, taken in enumerate(seen) if taken & forms), default=-1)
        if index == len(result):
            result.append([])
            seen.append(set())
        result[index].append(plan)
        seen[index] |= forms
    return result


def resolve(conn: Connection, plans: Sequence[Plan], threshold: float) -> list[Decision]:
    """The decision for every plan of one round, in order."""
    by_url = lookups.article_ids_by_url(conn, (f for p in plans for f in p.forms))
    copies = lookups.duplicates_by_url(conn, (p.canonical for p in plans))
    decided: dict[int, Decision] = {}
    existing: dict[int, tuple[int, frozenset[str]]] = {}
    unmatched: list[int] = []
    for index, plan in enumerate(plans):
        known = frozenset(f for f in plan.forms if f in by_url)
        matched = next((by_url[f] for f in plan.forms if f in by_url), None)
        if matched is not None:
            existing[index] = (matched, known)
        elif plan.canonical in copies:
            article_id, kind = copies[plan.canonical]
            decided[index] = Decision(plan, Outcome(f"duplicate_{kind}"), article_id)
        else:
            unmatched.append(index)
    decided.update(_resolve_existing(conn, plans, existing))
    decided.update(_resolve_new(conn, plans, unmatched, threshold))
    return [decided[index] for index in range(len(plans))]


def _resolve_existing(
    conn: Connection, plans: Sequence[Plan], existing: dict[int, tuple[int, frozenset[str]]]
) -> dict[int, Decision]:
    stored = lookups.articles_by_id(conn, (article_id for article_id, _ in existing.values()))
    decided = {}
    for index, (article_id, known) in existing.items():
        plan = plans[index]
        item, fetched_at, before = plan.item, plan.item.fetched_at, stored[article_id]
        assert fetched_at is not None
        changed = any(before.values[f] != getattr(item, f) for f in CHANGE_FIELDS)
        # A spooled item replayed after a newer fetch must not roll the article back.
        stale = fetched_at < before.last_seen_at
        outcome = Outcome.UPDATED if changed and not stale else Outcome.UNCHANGED
        new_body = outcome is Outcome.UPDATED and before.values["body"] != item.body
        decided[index] = Decision(
            plan,
            outcome,
            article_id,
            fingerprint=fingerprint(item.body or "") if new_body else None,
            stored=before,
            known_forms=known,
        )
    return decided


@dataclass(frozen=True, slots=True)
class _Match:
    """The most similar earlier article: a stored one (`article_id`) or one of this round."""

    score: float
    article_id: int | None = None
    original: int | None = None


def _resolve_new(
    conn: Connection, plans: Sequence[Plan], unmatched: list[int], threshold: float
) -> dict[int, Decision]:
    near = 0 < threshold <= 1
    prints = {i: fingerprint(plans[i].item.body or "") if near else None for i in unmatched}
    hashes = lookups.articles_by_hash(
        conn, (h for i in unmatched if (h := plans[i].item.content_hash))
    )
    keys = (k for f in prints.values() if f for k in f.band_keys)
    candidates = lookups.near_candidates(conn, keys) if near else {}
    batch_hashes: dict[str, int] = {}
    batch_bands: dict[int, list[tuple[int, Plan, Fingerprint]]] = {}
    decided = {}
    for index in unmatched:
        plan, mine = plans[index], prints[index]
        digest = plan.item.content_hash
        if digest and digest in hashes:
            decided[index] = Decision(plan, Outcome.DUPLICATE_EXACT, hashes[digest])
        elif digest and digest in batch_hashes:
            decided[index] = Decision(plan, Outcome.DUPLICATE_EXACT, original=batch_hashes[digest])
        elif mine is not None and (
            match := _match_near(plan, mine, candidates, batch_bands, threshold)
        ):
            decided[index] = Decision(
                plan,
                Outcome.DUPLICATE_NEAR,
                match.article_id,
                original=match.original,
                similarity=match.score,
            )
        else:
            decided[index] = Decision(plan, Outcome.INSERTED, fingerprint=mine)
            if digest:
                batch_hashes[digest] = index
            if mine is not None:
                for key in mine.band_keys:
                    batch_bands.setdefault(key, []).append((index, plan, mine))
    return decided


def _match_near(
    plan: Plan,
    mine: Fingerprint,
    candidates: dict[int, list[lookups.Candidate]],
    batch_bands: dict[int, list[tuple[int, Plan, Fingerprint]]],
    threshold: float,
) -> _Match | None:
    """The most similar article of another site, if any reaches `threshold`."""
    site, signature = plan.item.site, mine.signature
    best: tuple[float, int, _Match] | None = None
    # A candidate shares up to every band with this text: score each one once.
    scored: set[int] = set()
    scored_in_batch: set[int] = set()
    for key in mine.band_keys:
        for stored in candidates.get(key, ()):
            if stored.site != site and stored.article_id not in scored:
                scored.add(stored.article_id)
                score = similarity(signature, stored.signature)
                if best is None or (score, -stored.article_id) > best[:2]:
                    best = (score, -stored.article_id, _Match(score, stored.article_id))
        for index, other, theirs in batch_bands.get(key, ()):
            if other.item.site != site and index not in scored_in_batch:
                scored_in_batch.add(index)
                score = similarity(signature, theirs.signature)
                if best is None or score > best[0]:
                    best = (score, 1, _Match(score, original=index))
    if best is None or best[0] < threshold:
        return None
    return best[2]
