"""Deciding what saving each article of a batch does, before anything is written.

For every item, in order: an article already stored under any of its URL
forms is updated (title, body or modified date changed) or unchanged; a URL
recorded as a copy stays a copy; otherwise the body's exact content hash, then
its near-duplicate fingerprint, is looked up among stored articles and among
the batch's earlier new articles. A near copy counts only across sites (see
`docs/schema.md`, "Duplicates"). What is left is new.

Items of one batch that share a URL form are saved in successive rounds, so
the later version updates the earlier one exactly as across batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

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


@dataclass(slots=True, eq=False)
class Plan:
    """One item and what saving it will do."""

    item: ArticleItem
    canonical: str
    forms: list[str]
    outcome: Outcome = Outcome.INSERTED
    article_id: int | None = None
    original: Plan | None = None
    """For a copy of an article new in this batch: that article's plan."""
    similarity: float = 1.0
    change_seq: int | None = None
    fingerprint: Fingerprint | None = None
    stored: lookups.StoredArticle | None = None
    known_forms: set[str] = field(default_factory=set)


def make_plan(item: ArticleItem) -> Plan:
    """The plan of one cleaned item (its canonical URL first among its forms)."""
    assert item.fetched_at is not None, "the validate pipeline drops items without fetched_at"
    canonical = item.canonical_url or item.url
    forms = [f for f in dict.fromkeys([canonical, *item.url_forms, item.url]) if f]
    return Plan(item, canonical, [f for f in forms if len(f) <= MAX_URL_LENGTH] or [canonical])


def rounds(items: Sequence[ArticleItem]) -> list[list[Plan]]:
    """The items in order, each in the round after the last one holding any of its URL forms."""
    result: list[list[Plan]] = []
    seen: list[set[str]] = []
    for item in items:
        plan = make_plan(item)
        forms = set(plan.forms)
        index = 1 + max((i for i, taken in enumerate(seen) if taken & forms), default=-1)
        if index == len(result):
            result.append([])
            seen.append(set())
        result[index].append(plan)
        seen[index] |= forms
    return result


def resolve(conn: Connection, plans: list[Plan], threshold: float) -> None:
    """Fill every plan's outcome (and article id where it is already known)."""
    by_url = lookups.article_ids_by_url(conn, (f for p in plans for f in p.forms))
    copies = lookups.duplicates_by_url(conn, (p.canonical for p in plans))
    unmatched: list[Plan] = []
    for plan in plans:
        plan.known_forms = {f for f in plan.forms if f in by_url}
        matched = next((by_url[f] for f in plan.forms if f in by_url), None)
        if matched is not None:
            plan.article_id = matched
        elif plan.canonical in copies:
            plan.article_id, kind = copies[plan.canonical]
            plan.outcome = Outcome(f"duplicate_{kind}")
        else:
            unmatched.append(plan)
    _resolve_existing(conn, [p for p in plans if p.known_forms])
    _resolve_new(conn, unmatched, threshold)


def _resolve_existing(conn: Connection, plans: list[Plan]) -> None:
    stored = lookups.articles_by_id(conn, (p.article_id for p in plans if p.article_id))
    for plan in plans:
        assert plan.article_id is not None and plan.item.fetched_at is not None
        plan.stored = stored[plan.article_id]
        item, fetched_at = plan.item, plan.item.fetched_at
        changed = any(plan.stored.values[f] != getattr(item, f) for f in CHANGE_FIELDS)
        # A spooled item replayed after a newer fetch must not roll the article back.
        stale = fetched_at < plan.stored.last_seen_at
        plan.outcome = Outcome.UPDATED if changed and not stale else Outcome.UNCHANGED
        if plan.outcome is Outcome.UPDATED and plan.stored.values["body"] != item.body:
            plan.fingerprint = fingerprint(item.body or "")


def _resolve_new(conn: Connection, plans: list[Plan], threshold: float) -> None:
    near = 0 < threshold <= 1
    for plan in plans:
        plan.fingerprint = fingerprint(plan.item.body or "") if near else None
    hashes = lookups.articles_by_hash(conn, (h for p in plans if (h := p.item.content_hash)))
    keys = (k for p in plans if p.fingerprint for k in p.fingerprint.band_keys)
    candidates = lookups.near_candidates(conn, keys) if near else {}
    batch_hashes: dict[str, Plan] = {}
    batch_bands: dict[int, list[Plan]] = {}
    for plan in plans:
        digest = plan.item.content_hash
        if digest and digest in hashes:
            plan.outcome, plan.article_id = Outcome.DUPLICATE_EXACT, hashes[digest]
        elif digest and digest in batch_hashes:
            plan.outcome, plan.original = Outcome.DUPLICATE_EXACT, batch_hashes[digest]
        elif near and _match_near(plan, candidates, batch_bands, threshold):
            plan.outcome = Outcome.DUPLICATE_NEAR
        else:
            plan.outcome = Outcome.INSERTED
            if digest:
                batch_hashes[digest] = plan
            for key in plan.fingerprint.band_keys if plan.fingerprint else ():
                batch_bands.setdefault(key, []).append(plan)


def _match_near(
    plan: Plan,
    candidates: dict[int, list[lookups.Candidate]],
    batch_bands: dict[int, list[Plan]],
    threshold: float,
) -> bool:
    """Point `plan` at the most similar article of another site, if any reaches `threshold`."""
    assert plan.fingerprint is not None
    site, mine = plan.item.site, plan.fingerprint.signature
    best: tuple[float, int, lookups.Candidate | Plan] | None = None
    # A candidate shares up to every band with this text: score each one once.
    scored: set[int] = set()
    scored_in_batch: set[int] = set()
    for key in plan.fingerprint.band_keys:
        for stored in candidates.get(key, ()):
            if stored.site != site and stored.article_id not in scored:
                scored.add(stored.article_id)
                score = similarity(mine, stored.signature)
                if best is None or (score, -stored.article_id) > best[:2]:
                    best = (score, -stored.article_id, stored)
        for other in batch_bands.get(key, ()):
            if (
                other.item.site != site
                and other.fingerprint is not None
                and id(other) not in scored_in_batch
            ):
                scored_in_batch.add(id(other))
                score = similarity(mine, other.fingerprint.signature)
                if best is None or score > best[0]:
                    best = (score, 1, other)
    if best is None or best[0] < threshold:
        return False
    plan.similarity = best[0]
    if isinstance(best[2], Plan):
        plan.original = best[2]
    else:
        plan.article_id = best[2].article_id
    return True
