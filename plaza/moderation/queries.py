"""Reads of moderation: a space's reports (the API's list), its queue grouped by thing (the
page), the people banned from it, and a count of open entries for the admin navigation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from plaza.core.pagination import keyset_page
from plaza.moderation.access import Thing, model_of, thing_of
from plaza.moderation.models import Outcome, Report, ReportKind, ReportStatus
from plaza.spaces.access import SpaceAccess
from plaza.spaces.models import Membership, SpaceBan

QUEUE_SIZE = 50


def page_reports(
    acc: SpaceAccess, *, status: str = ReportStatus.OPEN, cursor: str | None = None, limit: int | None = None
) -> tuple[list[Report], str | None]:
    """The space's reports of ``status``, newest first, with their reporters."""
    qs = Report.objects.filter(space=acc.space, status=status).select_related("reporter")
    return keyset_page(qs, cursor=cursor, limit=limit)


@dataclass
class AuthorHistory:
    joined: datetime | None  # None: not a member of the space now
    role: str | None
    banned: bool
    reported: int  # things of theirs reported in this space, before and now
    removed: int  # of those, hidden or deleted by the moderators


@dataclass
class QueueEntry:
    """One reported thing with all its reports (of one status)."""

    kind: str
    target_id: int
    reports: list[Report]
    thing: Thing | None  # None: deleted since
    history: AuthorHistory | None = None
    reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def first(self) -> Report:
        return self.reports[0]

    @property
    def excerpt(self) -> str:
        return self.thing.excerpt if self.thing is not None else self.first.excerpt

    @property
    def author(self) -> Any:
        return self.first.author

    @property
    def kind_label(self) -> str:
        return str(ReportKind(self.kind).label)


def list_queue(acc: SpaceAccess, *, status: str = ReportStatus.OPEN) -> list[QueueEntry]:
    """The moderation queue: the latest ``QUEUE_SIZE`` reported things of the space with the
    reports of ``status``, newest report first; each with the thing (hidden or not), the
    reasons counted, and its author's history in the space. A fixed number of queries: the
    reports, one per kind of thing present, the authors' memberships, bans and counts."""
    rows = list(
        Report.objects.filter(space=acc.space, status=status)
        .select_related("reporter", "author", "resolved_by")
        .order_by("-created", "-pk")[: QUEUE_SIZE * 10]
    )
    entries: dict[tuple[str, int], QueueEntry] = {}
    for r in rows:
        key = (r.kind, r.target_id)
        if key not in entries:
            if len(entries) >= QUEUE_SIZE:
                continue
            entries[key] = QueueEntry(r.kind, r.target_id, [], None)
        entries[key].reports.append(r)
    by_kind: dict[str, list[int]] = {}
    for kind, pk in entries:
        by_kind.setdefault(kind, []).append(pk)
    for kind, ids in by_kind.items():
        qs = model_of(kind).objects.filter(space=acc.space, pk__in=ids)
        if kind == ReportKind.POST:
            qs = qs.filter(deleted=False)
        elif kind == ReportKind.MESSAGE:
            qs = qs.filter(deleted_at__isnull=True)
        elif kind == ReportKind.PRODUCT:
            qs = qs.select_related("exhibitor").prefetch_related("exhibitor__managers")
        for obj in qs:
            entries[(kind, obj.pk)].thing = thing_of(kind, obj)
    authors = {e.first.author_id for e in entries.values() if e.first.author_id is not None}
    histories = _histories(acc, authors)
    for e in entries.values():
        e.history = histories.get(e.first.author_id) if e.first.author_id is not None else None
        e.reasons = Counter(r.reason for r in e.reports).most_common()
    return list(entries.values())


def _histories(acc: SpaceAccess, author_ids: set[int]) -> dict[int, AuthorHistory]:
    if not author_ids:
        return {}
    members = {m.user_id: m for m in Membership.objects.filter(space=acc.space, user_id__in=author_ids)}
    banned = set(SpaceBan.objects.filter(space=acc.space, user_id__in=author_ids).values_list("user_id", flat=True))
    counts = {
        row["author_id"]: row
        for row in Report.objects.filter(space=acc.space, author_id__in=author_ids)
        .values("author_id")
        .annotate(
            things=Count("target_id", distinct=True),
            removed=Count("target_id", distinct=True, filter=Q(outcome__in=[Outcome.HIDE, Outcome.DELETE])),
        )
    }
    out = {}
    for uid in author_ids:
        m = members.get(uid)
        c: Any = counts.get(uid, {})
        out[uid] = AuthorHistory(
            joined=m.created if m else None,
            role=m.role if m else None,
            banned=uid in banned,
            reported=int(c.get("things", 0)),
            removed=int(c.get("removed", 0)),
        )
    return out


def count_open_entries(acc: SpaceAccess) -> int:
    """How many things wait in the queue (the badge on the admin navigation)."""
    return Report.objects.filter(space=acc.space, status=ReportStatus.OPEN).values("kind", "target_id").distinct().count()


def list_bans(acc: SpaceAccess) -> list[SpaceBan]:
    return list(SpaceBan.objects.filter(space=acc.space).select_related("user", "banned_by").order_by("-created", "-pk"))


def get_ban(acc: SpaceAccess, ban_id: int) -> SpaceBan | None:
    return SpaceBan.objects.filter(space=acc.space, pk=ban_id).select_related("user").first()
