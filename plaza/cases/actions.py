"""Every write about case types and cases.

Each ``do_*`` runs in one transaction and validates untrusted input with ``check_*`` first.
Every status change goes through :func:`transition_case`, checked against ``models.GRAPH``.
Reviewers are notified in-app; submitters get email (they may have no account).
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.cases.access import can_review, hash_code, list_reviewer_ids, upload_scope
from plaza.cases.models import (
    CASE_EVENT_UPLOAD_KIND,
    CASE_UPLOAD_KIND,
    GRAPH,
    OPEN_STATUSES,
    Case,
    CaseCounter,
    CaseEvent,
    CaseType,
    EventKind,
    FieldType,
    Status,
    Submitters,
)
from plaza.core import audit
from plaza.core.errors import Conflict, Forbidden, Invalid
from plaza.core.tasks import enqueue
from plaza.notifications.actions import notify
from plaza.spaces.access import SpaceAccess
from plaza.spaces.actions import check_text
from plaza.spaces.models import Membership, Team
from plaza.uploads.actions import claim_uploads, do_upload_file
from plaza.webhooks import actions as webhooks

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 30
MAX_UPLOADS = 9  # images or files per field, and per lookup answer
CASE_TYPE_FIELDS = ["name", "fields", "submitters", "reviewer_team", "outcomes", "due_days"]


# --- checks -------------------------------------------------------------------------------


def check_fields(fields: Any) -> list[dict[str, Any]]:
    """A case type's form: 1 to 30 fields with unique keys and known types."""
    if not isinstance(fields, list) or not fields or len(fields) > MAX_FIELDS:
        raise Invalid(_("Give 1 to %(n)d fields.") % {"n": MAX_FIELDS}, field="fields")
    seen: set[str] = set()
    out = []
    for i, spec in enumerate(fields):
        where = f"fields.{i}"
        if not isinstance(spec, dict):
            raise Invalid(_("Each field is an object."), field=where)
        key = str(spec.get("key", "")).strip()
        if not KEY_RE.match(key) or key in seen:
            raise Invalid(_("A key is unique, lowercase letters, digits or _, starting with a letter."), field=f"{where}.key")
        seen.add(key)
        kind = spec.get("type", "text")
        if kind not in FieldType.values:
            raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(FieldType.values)}, field=f"{where}.type")
        label = check_text(str(spec.get("label", "") or key), f"{where}.label", max_len=200)
        item: dict[str, Any] = {"key": key, "label": label, "type": kind, "required": bool(spec.get("required", False))}
        if kind == FieldType.CHOICE:
            choices = spec.get("choices")
            if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c.strip() for c in choices):
                raise Invalid(_("A choice field needs a list of choices."), field=f"{where}.choices")
            item["choices"] = [c.strip()[:200] for c in choices]
        out.append(item)
    return out


def check_outcomes(outcomes: Any) -> list[str]:
    if not isinstance(outcomes, list) or not outcomes or not all(isinstance(o, str) and o.strip() for o in outcomes):
        raise Invalid(_("Give at least one outcome."), field="outcomes")
    cleaned = [o.strip()[:100] for o in outcomes]
    if len(set(cleaned)) != len(cleaned):
        raise Invalid(_("Outcomes must differ."), field="outcomes")
    return cleaned


def check_due_days(due_days: Any) -> dict[str, int]:
    if due_days in (None, ""):
        return {}
    if not isinstance(due_days, dict):
        raise Invalid(_("Give days per status."), field="due_days")
    out = {}
    for status, days in due_days.items():
        if status not in OPEN_STATUSES or isinstance(days, bool) or not isinstance(days, int) or not 0 < days <= 365:
            raise Invalid(_("Days (1 to 365) per open status."), field=f"due_days.{status}")
        out[status] = days
    return out


def _check_value(spec: dict[str, Any], value: Any, where: str) -> Any:
    kind = spec["type"]
    if kind in (FieldType.TEXT, FieldType.TEXTAREA):
        if not isinstance(value, str):
            raise Invalid(_("Give text."), field=where)
        return check_text(value, where, max_len=200 if kind == FieldType.TEXT else 5000, required=spec["required"])
    if kind == FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(str(value).strip())
            except ValueError as exc:
                raise Invalid(_("Give a number."), field=where) from exc
        if value != value or value in (float("inf"), float("-inf")):
            raise Invalid(_("Give a number."), field=where)
        return int(value) if float(value).is_integer() else value
    if kind == FieldType.DATE:
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as exc:
            raise Invalid(_("Give a date as YYYY-MM-DD."), field=where) from exc
    if kind == FieldType.CHOICE:
        if value not in spec["choices"]:
            raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(spec["choices"])}, field=where)
        return value
    # image and file: ids of uploads (POST /uploads), one or a list.
    ids = value if isinstance(value, list) else [value]
    if not ids or len(ids) > 9 or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
        raise Invalid(_("Give the id of an upload, or a list of up to 9."), field=where)
    return ids


def check_values(case_type: CaseType, values: Any) -> dict[str, Any]:
    """The submitted values against the type's fields; 422 names ``values.<key>``."""
    if not isinstance(values, dict):
        raise Invalid(_("Give the values as an object."), field="values")
    specs = {f["key"]: f for f in case_type.fields}
    for key in values:
        if key not in specs:
            raise Invalid(_("This form has no such field."), field=f"values.{key}")
    out: dict[str, Any] = {}
    for key, spec in specs.items():
        value = values.get(key)
        if value is None or value == "" or value == []:
            if spec["required"]:
                raise Invalid(_("This field is required."), field=f"values.{key}")
            continue
        out[key] = _check_value(spec, value, f"values.{key}")
    return out


def check_contact_email(email: str | None, *, required: bool) -> str:
    email = (email or "").strip()
    if not email:
        if required:
            raise Invalid(_("Give an email address so we can tell you about progress."), field="contact_email")
        return ""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise Invalid(_("Enter a valid email address."), field="contact_email") from exc
    return email


# --- case types ---------------------------------------------------------------------------


@transaction.atomic
def do_create_case_type(
    acc: SpaceAccess,
    *,
    name: str,
    fields: Any,
    submitters: str = Submitters.MEMBERS,
    reviewer_team_id: int | None = None,
    outcomes: Any,
    due_days: Any = None,
    description: str = "",
) -> CaseType:
    """Admins define case types; the reviewer team must be a team of the same space."""
    if not acc.is_admin:
        raise Forbidden(_("Only admins define case types."))
    if submitters not in Submitters.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Submitters.values)}, field="submitters")
    team = None
    if reviewer_team_id is not None:
        team = Team.objects.filter(space=acc.space, pk=reviewer_team_id).first()
        if team is None:
            raise Invalid(_("No such team in this space."), field="reviewer_team_id")
    case_type = CaseType.objects.create(
        space=acc.space,
        name=check_text(name, "name", max_len=100),
        description=check_text(description, "description", max_len=2000, required=False),
        fields=check_fields(fields),
        submitters=submitters,
        reviewer_team=team,
        outcomes=check_outcomes(outcomes),
        due_days=check_due_days(due_days),
        created_by=acc.user,
    )
    audit.record(space=acc.space, actor=acc.user, action="case_type.create", target=case_type,
                 after=audit.snapshot(case_type, CASE_TYPE_FIELDS))
    return case_type


# --- numbering ----------------------------------------------------------------------------


def next_case_number(year: int) -> str:
    """The next number of ``year``, unique on the server; call inside a transaction.

    The counter row is created if missing (a conflict-ignoring insert), then incremented with
    an UPDATE that holds the row lock until commit, so concurrent submissions each read a
    different value.
    """
    CaseCounter.objects.bulk_create([CaseCounter(year=year, last=0)], ignore_conflicts=True)
    CaseCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = CaseCounter.objects.filter(year=year).values_list("last", flat=True).get()
    return f"KS-{year}-{last:06d}"


def new_access_code() -> str:
    """96 random bits, in groups a person can copy: shown once, stored hashed."""
    raw = secrets.token_hex(12).upper()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _due_at(case_type: CaseType, status: str) -> Any:
    days = (case_type.due_days or {}).get(status)
    return timezone.now() + timedelta(days=days) if days else None


# --- submitting ---------------------------------------------------------------------------


def check_upload_codes(codes: Any) -> dict[int, str]:
    """``upload_codes``: upload id -> the claim code ``POST /uploads`` gave a signed-out caller."""
    if codes in (None, ""):
        return {}
    if not isinstance(codes, dict) or len(codes) > 2 * MAX_UPLOADS:
        raise Invalid(_("Give the claim codes as an object of upload id to code."), field="upload_codes")
    out: dict[int, str] = {}
    for key, code in codes.items():
        try:
            upload_id = int(key)
        except (TypeError, ValueError) as exc:
            raise Invalid(_("Give the claim codes as an object of upload id to code."), field="upload_codes") from exc
        if not isinstance(code, str) or len(code) > 100:
            raise Invalid(_("Give the claim codes as an object of upload id to code."), field=f"upload_codes.{key}")
        out[upload_id] = code.strip()
    return out


def _store_files(user: Any, uploads: list[Any], *, scope: str, field: str, stored: list[Any],
                 codes: dict[int, str]) -> list[int]:
    """Files posted with a page form, stored like every upload (sniffed, size-limited,
    images re-encoded); signed out they are scoped to the case type and their claim codes
    go into ``codes`` so the same transaction can claim them."""
    if len(uploads) > MAX_UPLOADS:
        raise Invalid(_("At most %(n)d images and files.") % {"n": MAX_UPLOADS}, field=field)
    ids = []
    for upload in uploads:
        attachment = do_upload_file(user, upload, scope=scope, field=field)
        stored.append(attachment)
        codes[attachment.pk] = attachment.claim_code
        ids.append(attachment.pk)
    return ids


def _delete_files(stored: list[Any]) -> None:
    """A failed write rolls back the rows of files it stored; their files go too."""
    for attachment in stored:
        attachment.file.delete(save=False)


def do_submit_case(acc: SpaceAccess, case_type: CaseType, *, values: Any, contact_email: str | None = None,
                   upload_codes: Any = None, files: dict[str, list[Any]] | None = None) -> tuple[Case, str]:
    """File a case. Returns it and its access code, which is not stored and never shown again.

    Image and file values are ids of uploads: the caller's own when signed in; signed out,
    uploads made for this type with their claim codes in ``upload_codes``. A page form
    posts its ``files`` (field key -> uploaded files) instead; they are stored and claimed
    in the same transaction, and any error leaves neither the case nor the files.

    Precondition: ``access_case_type(acc, ..., for_submit=True)`` passed.
    """
    stored: list[Any] = []
    try:
        return _submit_case(acc, case_type, values=values, contact_email=contact_email, upload_codes=upload_codes,
                            files=files or {}, stored=stored)
    except BaseException:
        _delete_files(stored)
        raise


@transaction.atomic
def _submit_case(acc: SpaceAccess, case_type: CaseType, *, values: Any, contact_email: str | None, upload_codes: Any,
                 files: dict[str, list[Any]], stored: list[Any]) -> tuple[Case, str]:
    signed_in = bool(getattr(acc.user, "is_authenticated", False))
    codes = check_upload_codes(upload_codes)
    scope = upload_scope(case_type.pk)
    specs = {f["key"]: f for f in case_type.fields}
    if any(files.values()):
        if not isinstance(values, dict):
            raise Invalid(_("Give the values as an object."), field="values")
        values = dict(values)
        for key, uploads in files.items():
            if not uploads:
                continue
            if key not in specs or specs[key]["type"] not in (FieldType.IMAGE, FieldType.FILE):
                raise Invalid(_("This form has no such field."), field=f"values.{key}")
            values[key] = _store_files(acc.user, uploads, scope=scope, field=f"values.{key}", stored=stored, codes=codes)
    cleaned = check_values(case_type, values)
    email = check_contact_email(contact_email, required=False)
    code = new_access_code()
    case = Case.objects.create(
        space=acc.space,
        case_type=case_type,
        number=next_case_number(timezone.now().year),
        access_code_hash=hash_code(code),
        values=cleaned,
        contact_email=email,
        status=Status.SUBMITTED,
        due_at=_due_at(case_type, Status.SUBMITTED),
        submitted_by=acc.user if signed_in else None,
    )
    for spec in case_type.fields:
        if spec["type"] in (FieldType.IMAGE, FieldType.FILE) and spec["key"] in cleaned:
            claim_uploads(acc.user, cleaned[spec["key"]], kind=CASE_UPLOAD_KIND, obj_id=case.pk,
                          field=f"values.{spec['key']}", images_only=spec["type"] == FieldType.IMAGE,
                          codes=codes, scope=scope)
    CaseEvent.objects.create(space=acc.space, case=case, kind=EventKind.SUBMITTED, status=case.status, public=True,
                             actor=case.submitted_by)
    notify(
        recipients=list_reviewer_ids(case_type), kind="case_submitted", actor=case.submitted_by, space=acc.space,
        target_type="case", target_id=case.pk, data={"number": case.number, "type": case_type.name},
    )
    webhooks.emit(acc.space, "case.created", {"id": case.pk, "number": case.number, "type": case_type.name, "status": case.status})
    return case, code


# --- the one transition function ------------------------------------------------------------


def transition_case(case: Case, to: str, *, actor: Any = None, by_submitter: bool = False, outcome: str = "",
                    note: str = "", public_note: bool = True) -> CaseEvent:
    """Move ``case`` to ``to`` if ``models.GRAPH`` allows it; 409 otherwise.

    The only place a case's status changes. Call inside a transaction with the case row
    locked. Submitters may only withdraw and answer a request for information; reviewers do
    everything else. Concluding needs one of the type's outcomes.
    """
    if to not in Status.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(Status.values)}, field="to")
    if to not in GRAPH[case.status]:
        raise Conflict(_("A case that is %(status)s cannot become %(to)s.") % {
            "status": Status(case.status).label, "to": Status(to).label})
    if to == Status.WITHDRAWN and not by_submitter:
        raise Forbidden(_("Only the submitter withdraws a case."))
    if by_submitter and not (to == Status.WITHDRAWN or (case.status == Status.NEED_INFO and to == Status.IN_REVIEW)):
        raise Forbidden(_("Reviewers do this."))
    if to == Status.CONCLUDED:
        if outcome not in case.case_type.outcomes:
            raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(case.case_type.outcomes)}, field="outcome")
        case.outcome = outcome
        case.concluded_at = timezone.now()
    before = case.status
    case.status = to
    case.due_at = _due_at(case.case_type, to)
    case.overdue = False
    case.save(update_fields=["status", "outcome", "concluded_at", "due_at", "overdue", "updated"])
    event = CaseEvent.objects.create(
        space_id=case.space_id, case=case, kind=EventKind.STATUS, status=to, body=note, public=public_note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data={"from": before, "outcome": case.outcome if to == Status.CONCLUDED else ""},
    )
    webhooks.emit(case.space, "case.transitioned", {"id": case.pk, "number": case.number, "from": before, "to": to, "outcome": event.data["outcome"]})
    if by_submitter:
        notify(
            recipients=list_reviewer_ids(case.case_type), kind="case_updated", space=case.space,
            target_type="case", target_id=case.pk, data={"number": case.number, "status": str(Status(to).label)},
        )
    elif public_note:
        enqueue("cases.send_case_email", case.pk, event.pk)
    return event


def _lock(case: Case) -> Case:
    locked = Case.objects.select_for_update().select_related("space", "case_type").get(pk=case.pk)
    return locked


@transaction.atomic
def do_transition_case(acc: SpaceAccess, case: Case, *, to: str, outcome: str = "", note: str = "") -> Case:
    """A reviewer moves a case; the note, if any, is a public reply on the timeline."""
    locked = _lock(case)
    transition_case(locked, to, actor=acc.user, outcome=(outcome or "").strip(),
                    note=check_text(note, "note", max_len=5000, required=False))
    return locked


def do_add_case_note(acc: SpaceAccess, case: Case, *, body: str, public: bool, attachment_ids: list[int] | None = None,
                     files: list[Any] | None = None) -> CaseEvent:
    """An internal note (reviewers only) or a public reply (also mailed to the submitter).

    ``attachment_ids`` (the reviewer's own new uploads) or the page's ``files`` are claimed
    onto the event: reviewers always download them; the submitter, through the lookup,
    only those of a public reply.
    """
    stored: list[Any] = []
    try:
        return _add_case_note(acc, case, body=body, public=public, attachment_ids=attachment_ids, files=files or [],
                              stored=stored)
    except BaseException:
        _delete_files(stored)
        raise


@transaction.atomic
def _add_case_note(acc: SpaceAccess, case: Case, *, body: str, public: bool, attachment_ids: list[int] | None,
                   files: list[Any], stored: list[Any]) -> CaseEvent:
    locked = _lock(case)
    text = check_text(body, "body", max_len=5000)
    ids = list(attachment_ids or [])
    if files:
        ids += _store_files(acc.user, files, scope="", field="attachment_ids", stored=stored, codes={})
    event = CaseEvent.objects.create(
        space_id=locked.space_id, case=locked, kind=EventKind.REPLY if public else EventKind.NOTE, status=locked.status,
        body=text, public=public, actor=acc.user,
    )
    if ids:
        claimed = claim_uploads(acc.user, ids, kind=CASE_EVENT_UPLOAD_KIND, obj_id=event.pk, field="attachment_ids")
        # Append-only events are written once: the ids go in with an update, not a save.
        CaseEvent.objects.filter(pk=event.pk).update(data={"attachment_ids": [a.pk for a in claimed]})
        event.data = {"attachment_ids": [a.pk for a in claimed]}
    if public:
        enqueue("cases.send_case_email", locked.pk, event.pk)
    return event


@transaction.atomic
def do_assign_case(acc: SpaceAccess, case: Case, *, user_id: int | None) -> Case:
    """Assign to a reviewer of the case (or nobody); the new assignee is notified."""
    locked = _lock(case)
    assignee = None
    if user_id is not None:
        membership = Membership.objects.select_related("user").filter(space=locked.space, user_id=user_id).first()
        if membership is None:
            raise Invalid(_("Assign to a reviewer of this case."), field="user_id")
        from plaza.spaces.access import space_access_for

        if not can_review(space_access_for(membership.user, locked.space), locked.case_type):
            raise Invalid(_("Assign to a reviewer of this case."), field="user_id")
        assignee = membership.user
    locked.assignee = assignee
    locked.save(update_fields=["assignee", "updated"])
    CaseEvent.objects.create(space_id=locked.space_id, case=locked, kind=EventKind.ASSIGNED, status=locked.status,
                             actor=acc.user, data={"user_id": user_id, "name": assignee.name if assignee else ""})
    if assignee is not None:
        notify(recipients=[assignee], kind="case_updated", actor=acc.user, space=locked.space, target_type="case",
               target_id=locked.pk, data={"number": locked.number, "status": str(Status(locked.status).label)})
    return locked


def do_reply_as_submitter(case: Case, *, body: str, user: Any = None, attachment_ids: list[int] | None = None,
                          upload_codes: Any = None, files: list[Any] | None = None) -> Case:
    """The submitter answers a request for information (through the lookup): back to review.

    ``attachment_ids`` are claimed onto the reply's timeline event (reviewers and admins
    download them, and the submitter through the lookup): the signed-in ``user``'s own new
    uploads, or signed out, uploads made for the case's type with their claim codes in
    ``upload_codes``. The lookup page posts ``files`` instead, stored and claimed in the
    same transaction; any error leaves neither the answer nor the files.
    """
    stored: list[Any] = []
    try:
        return _reply_as_submitter(case, body=body, user=user, attachment_ids=attachment_ids, upload_codes=upload_codes,
                                   files=files or [], stored=stored)
    except BaseException:
        _delete_files(stored)
        raise


@transaction.atomic
def _reply_as_submitter(case: Case, *, body: str, user: Any, attachment_ids: list[int] | None, upload_codes: Any,
                        files: list[Any], stored: list[Any]) -> Case:
    locked = _lock(case)
    if locked.status != Status.NEED_INFO:
        raise Conflict(_("This case is not waiting for information from you."))
    text = check_text(body, "body", max_len=5000)
    codes = check_upload_codes(upload_codes)
    scope = upload_scope(locked.case_type_id)
    ids = list(attachment_ids or [])
    if files:
        ids += _store_files(user, files, scope=scope, field="attachment_ids", stored=stored, codes=codes)
    event = CaseEvent.objects.create(space_id=locked.space_id, case=locked, kind=EventKind.SUBMITTER_REPLY,
                                     status=locked.status, body=text, public=True, actor=None)
    if ids:
        claimed = claim_uploads(user, ids, kind=CASE_EVENT_UPLOAD_KIND, obj_id=event.pk, field="attachment_ids",
                                codes=codes, scope=scope)
        # Append-only events are written once: the ids go in with an update, not a save.
        CaseEvent.objects.filter(pk=event.pk).update(data={"attachment_ids": [a.pk for a in claimed]})
    transition_case(locked, Status.IN_REVIEW, by_submitter=True)
    return locked


@transaction.atomic
def do_withdraw_case(case: Case) -> Case:
    """The submitter (who holds the code, or filed it signed in) withdraws an open case."""
    locked = _lock(case)
    transition_case(locked, Status.WITHDRAWN, by_submitter=True)
    return locked


@transaction.atomic
def do_mark_overdue_cases() -> int:
    """Flag open cases past their due time, each once with a timeline entry; returns how many."""
    now = timezone.now()
    due = list(
        Case.objects.select_for_update()
        .filter(status__in=OPEN_STATUSES, due_at__lt=now, overdue=False)
        .values_list("pk", "space_id", "status")
    )
    if not due:
        return 0
    Case.objects.filter(pk__in=[pk for pk, _s, _st in due]).update(overdue=True)
    CaseEvent.objects.bulk_create(
        [CaseEvent(space_id=sid, case_id=pk, kind=EventKind.OVERDUE, status=st) for pk, sid, st in due]
    )
    return len(due)

