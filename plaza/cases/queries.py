"""Reads of quick review: case types, the reviewer desk, timelines and statistics."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.cases.access import reviewable_q, submittable_types_q
from plaza.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseType, Status
from plaza.core.errors import Invalid
from plaza.core.pagination import keyset_page
from plaza.spaces.access import SpaceAccess


def overdue_q(now: Any = None) -> Q:
    """Open cases past their due time, whether or not the sweep has flagged them yet."""
    return Q(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())


def list_case_types(acc: SpaceAccess) -> QuerySet[CaseType]:
    """The types the caller may submit to (all of them for members and admins)."""
    return CaseType.objects.filter(submittable_types_q(acc)).select_related("reviewer_team").order_by("name", "pk")


def page_cases(acc: SpaceAccess, *, status: str | None = None, assignee: int | None = None, overdue: bool | None = None,
               cursor: str | None = None, limit: int | None = None) -> tuple[list[Case], str | None]:
    qs = Case.objects.filter(reviewable_q(acc)).select_related("case_type", "assignee", "submitted_by")
    if status:
        if status not in Status.values:
            raise Invalid(_("Unknown status."), field="status")
        qs = qs.filter(status=status)
    if assignee is not None:
        qs = qs.filter(assignee_id=assignee)
    if overdue is not None:
        qs = qs.filter(overdue_q()) if overdue else qs.exclude(overdue_q())
    return keyset_page(qs, cursor=cursor, limit=limit)


def list_timeline(case: Case, *, public_only: bool) -> list[CaseEvent]:
    qs = CaseEvent.objects.filter(space_id=case.space_id, case=case).select_related("actor").order_by("created", "pk")
    if public_only:
        qs = qs.filter(public=True)
    return list(qs)


def case_stats(acc: SpaceAccess) -> dict[str, Any]:
    """Counts per status and outcome, overdue count, and the average handling time (s)."""
    qs = Case.objects.filter(reviewable_q(acc))
    by_status = {s: 0 for s in Status.values}
    for row in qs.values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    by_outcome = {row["outcome"]: row["n"] for row in qs.exclude(outcome="").values("outcome").annotate(n=Count("pk"))}
    durations = [
        (concluded - created).total_seconds()
        for created, concluded in qs.filter(concluded_at__isnull=False).values_list("created", "concluded_at")
    ]
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_outcome": by_outcome,
        "overdue": qs.filter(overdue_q()).count(),
        "average_handling_seconds": round(sum(durations) / len(durations)) if durations else None,
    }


def list_reviewers(acc: SpaceAccess, case_type: CaseType) -> list[Any]:
    """People a case of ``case_type`` may be assigned to (for the assign menu)."""
    from plaza.accounts.models import User
    from plaza.cases.access import list_reviewer_ids

    return list(User.objects.filter(pk__in=list_reviewer_ids(case_type), is_active=True).order_by("name"))


def get_lookup_details(case: Case, timeline: list[CaseEvent]) -> tuple[list[dict[str, Any]], dict[int, list[Any]]]:
    """What the submitter sees of their case besides the timeline: their submitted values in
    the form's order (image and file values as their uploads) and, per *public* event of
    ``timeline``, its attachments. One query for all files; internal events never count.

    Returns ``(rows, files_by_event_id)``; each row is ``{key, label, type, type_label,
    value}`` or, for images and files, ``{..., files: [Attachment]}``.
    """
    from plaza.cases.models import CASE_EVENT_UPLOAD_KIND, CASE_UPLOAD_KIND, FieldType
    from plaza.uploads.queries import list_claimed_uploads

    public = [e for e in timeline if e.public and (e.data or {}).get("attachment_ids")]
    uploads = list_claimed_uploads({CASE_UPLOAD_KIND: [case.pk], CASE_EVENT_UPLOAD_KIND: [e.pk for e in public]})
    mine = {a.pk: a for a in uploads if a.claimed_kind == CASE_UPLOAD_KIND}
    by_event: dict[int, list[Any]] = {}
    for a in uploads:
        if a.claimed_kind == CASE_EVENT_UPLOAD_KIND:
            by_event.setdefault(int(a.claimed_id), []).append(a)
    rows = []
    for spec in case.case_type.fields:
        if spec["key"] not in case.values:
            continue
        value = case.values[spec["key"]]
        row = {"key": spec["key"], "label": spec["label"], "type": spec["type"],
               "type_label": FieldType(spec["type"]).label}
        if spec["type"] in (FieldType.IMAGE, FieldType.FILE):
            ids = value if isinstance(value, list) else [value]
            row["files"] = [mine[i] for i in ids if i in mine]
        else:
            row["value"] = value
        rows.append(row)
    return rows, by_event
