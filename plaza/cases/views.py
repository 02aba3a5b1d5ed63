"""Pages of quick review: case types (admins), the submit form (public too), the reviewer
desk with a case's timeline, and the public lookup where submitters follow their case.

Each view parses input, reaches data through ``access_*``, calls one action or query and
renders. Access codes travel only in POST bodies, never in URLs.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plaza.cases import actions, queries
from plaza.cases.access import (
    access_case,
    access_case_by_code,
    access_case_type,
    access_lookup_file,
    can_review,
    lookup_file_token,
    normalize_case_number,
    require_reviewer,
)
from plaza.cases.models import GRAPH, FieldType, Status, Submitters
from plaza.core import ratelimit
from plaza.core.errors import Invalid, NotFound
from plaza.core.pages import file_response, page_errors, parse_int, require_login
from plaza.core.uploads import TooLarge, UnsupportedType
from plaza.spaces.access import access_space
from plaza.spaces.models import Role
from plaza.spaces.queries import list_teams


def _ctx(acc: Any, **extra: Any) -> dict[str, Any]:
    return {"acc": acc, "space": acc.space, "tab": "cases", **extra}


@page_errors
def case_types(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    if request.method == "POST":
        try:
            fields = json.loads(request.POST.get("fields") or "[]")
            due_days = json.loads(request.POST.get("due_days") or "{}")
        except ValueError as exc:
            raise Invalid(_("The fields and due days must be valid JSON."), field="fields") from exc
        team = request.POST.get("reviewer_team") or None
        actions.do_create_case_type(
            acc, name=request.POST.get("name", ""), description=request.POST.get("description", ""), fields=fields,
            submitters=request.POST.get("submitters", Submitters.MEMBERS),
            reviewer_team_id=parse_int(team, "reviewer_team") if team else None,
            outcomes=[o.strip() for o in request.POST.get("outcomes", "").split(",") if o.strip()], due_days=due_days,
        )
        messages.success(request, _("The case type was created."))
        return redirect("case_types", slug=slug)
    types = list(queries.list_case_types(acc))
    for t in types:
        # Shown by their translated labels, not the keys stored in the form's JSON.
        t.field_rows = [{"label": f["label"], "type_label": _type_label(f["type"]), "required": f.get("required")}
                        for f in t.fields]
    return render(request, "cases/case_types.html", _ctx(
        acc, types=types, teams=list_teams(acc), submitters=Submitters.choices, field_types=FieldType.choices,
    ))


def _type_label(key: str) -> str:
    return str(FieldType(key).label) if key in FieldType.values else key


def _form_values(case_type: Any, data: Any) -> dict[str, Any]:
    values = {}
    for spec in case_type.fields:
        if spec["type"] in (FieldType.IMAGE, FieldType.FILE):
            continue
        raw = data.get(f"v_{spec['key']}", "").strip()
        if raw:
            values[spec["key"]] = raw
    return values


@page_errors
def submit_case(request: HttpRequest, slug: str, type_id: int | None = None) -> HttpResponse:
    acc = access_space(request.user, slug)
    if type_id is None:
        types = list(queries.list_case_types(acc))
        return render(request, "cases/submit_choose.html", _ctx(acc, types=types))
    case_type = access_case_type(acc, type_id, for_submit=True)
    context = _ctx(acc, case_type=case_type, uploads=(FieldType.IMAGE, FieldType.FILE), posted={}, errors={})
    if request.method == "POST":
        if request.user.is_authenticated:
            ratelimit.hit("case-submit", str(request.user.pk), limit=30, window=600)
        else:
            ratelimit.hit("case-submit-ip", ratelimit.client_key(request), limit=10, window=600)
        values = _form_values(case_type, request.POST)
        files = {spec["key"]: request.FILES.getlist(f"v_{spec['key']}") for spec in case_type.fields
                 if spec["type"] in (FieldType.IMAGE, FieldType.FILE)}
        try:
            case, code = actions.do_submit_case(acc, case_type, values=values, files=files,
                                                contact_email=request.POST.get("contact_email", ""))
        except (Invalid, TooLarge, UnsupportedType) as exc:
            # The form again, with the error at its field; nothing was kept.
            field = (exc.field or "").removeprefix("values.")
            context.update(posted={**values, "contact_email": request.POST.get("contact_email", "")},
                           errors={field: exc.message()}, error=exc.message())
            return render(request, "cases/submit.html", _with_form_fields(context), status=exc.status)
        # Post/redirect/get: a reload of the answer never submits again. The code waits in
        # this browser's session until the page below shows it, once.
        request.session[SUBMITTED_KEY] = {"number": case.number, "code": code, "space": acc.space.name}
        return redirect("case_submitted")
    return render(request, "cases/submit.html", _with_form_fields(context))


SUBMITTED_KEY = "plaza_case_submitted"


def submitted(request: HttpRequest) -> HttpResponse:
    """The number and, this once, the access code of the case this browser just submitted."""
    shown = request.session.get(SUBMITTED_KEY)
    if not shown:
        return redirect("case_lookup")
    code = shown.pop("code", "")
    request.session[SUBMITTED_KEY] = shown
    return render(request, "cases/submitted.html", {"number": shown["number"], "code": code, "space_name": shown["space"]})


def _with_form_fields(context: dict[str, Any]) -> dict[str, Any]:
    """Each field of the form with what was posted and its error, for the template."""
    posted, errors = context["posted"], context["errors"]
    context["form_fields"] = [(f, posted.get(f["key"], ""), errors.get(f["key"], "")) for f in context["case_type"].fields]
    return context


@page_errors
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    require_login(request)
    acc = require_reviewer(access_space(request.user, slug, role=Role.GUEST))
    status = request.GET.get("status") or None
    overdue = True if request.GET.get("overdue") else None
    rows, next_cursor = queries.page_cases(acc, status=status, overdue=overdue, cursor=request.GET.get("cursor") or None)
    return render(request, "cases/desk.html", _ctx(
        acc, cases=rows, next_cursor=next_cursor, status=status or "", statuses=Status.choices, overdue=bool(overdue),
        stats=queries.case_stats(acc),
    ))


@page_errors
def case_detail(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    require_login(request)
    acc, case = access_case(request.user, number)
    if acc.space.slug != slug:
        raise NotFound()
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "transition":
            actions.do_transition_case(acc, case, to=request.POST.get("to", ""), outcome=request.POST.get("outcome", ""),
                                       note=request.POST.get("note", ""))
        elif what == "note":
            actions.do_add_case_note(acc, case, body=request.POST.get("body", ""), public=request.POST.get("public") == "on",
                                     files=request.FILES.getlist("attachments"))
        elif what == "assign":
            user = request.POST.get("user_id") or None
            actions.do_assign_case(acc, case, user_id=parse_int(user, "user_id") if user else None)
        return redirect("case_detail", slug=slug, number=number)
    moves = [(s, Status(s).label) for s in Status.values if s in GRAPH[case.status] and s != Status.WITHDRAWN]
    return render(request, "cases/case_detail.html", _ctx(
        acc, case=case, timeline=queries.list_timeline(case, public_only=False), moves=moves,
        reviewers=queries.list_reviewers(acc, case.case_type), can_review=can_review(acc, case.case_type),
        labels={f["key"]: f["label"] for f in case.case_type.fields}, rows=_value_rows(case),
    ))


def _value_rows(case: Any) -> list[dict[str, Any]]:
    """The case's values in the form's order; image and file values become download links
    (served by /files/<id>/ to the case's reviewers and admins)."""
    rows = []
    for spec in case.case_type.fields:
        if spec["key"] not in case.values:
            continue
        value = case.values[spec["key"]]
        if spec["type"] in (FieldType.IMAGE, FieldType.FILE):
            ids = value if isinstance(value, list) else [value]
            rows.append({"label": spec["label"], "image": spec["type"] == FieldType.IMAGE,
                         "urls": [reverse("attachment", args=[i]) for i in ids]})
        else:
            rows.append({"label": spec["label"], "value": value})
    return rows


@page_errors
def lookup(request: HttpRequest) -> HttpResponse:
    """Number + code in a POST form; answering a request for information (with files);
    withdrawing. The submitter sees their values and files through signed links."""
    context: dict[str, Any] = {"number": request.GET.get("number", "")[:40]}
    status = 200
    if request.method == "POST":
        number, code = request.POST.get("number", "").strip(), request.POST.get("code", "").strip()
        context.update(number=number, code=code)
        ratelimit.hit("case-lookup", ratelimit.client_key(request), limit=60, window=600)
        try:
            case = access_case_by_code(number, code)
        except NotFound:
            ratelimit.hit("case-lookup-fail", ratelimit.client_key(request), limit=10, window=600)
            ratelimit.hit("case-lookup-fail-number", normalize_case_number(number), limit=10, window=600)
            context["not_found"] = True
            return render(request, "cases/lookup.html", context, status=404)
        what = request.POST.get("action")
        try:
            if what == "reply":
                case = actions.do_reply_as_submitter(case, body=request.POST.get("body", ""), user=request.user,
                                                     files=request.FILES.getlist("attachments"))
                context["done"] = _("Thank you, your answer was added and the review continues.")
            elif what == "withdraw":
                case = actions.do_withdraw_case(case)
                context["done"] = _("Your case was withdrawn.")
        except (Invalid, TooLarge, UnsupportedType) as exc:
            context.update(errors={exc.field or "": exc.message()}, body=request.POST.get("body", ""))
            status = exc.status
        timeline = queries.list_timeline(case, public_only=True)
        rows, files = queries.get_lookup_details(case, timeline)
        for row in rows:
            if "files" in row:
                row["links"] = [_lookup_link(case, a) for a in row["files"]]
        for event in timeline:
            event.links = [_lookup_link(case, a) for a in files.get(event.pk, [])]
        context.update(case=case, timeline=timeline, rows=rows, can_withdraw=Status.WITHDRAWN in GRAPH[case.status])
    return render(request, "cases/lookup.html", context, status=status)


def _lookup_link(case: Any, attachment: Any) -> dict[str, Any]:
    return {"url": reverse("case_lookup_file", args=[lookup_file_token(case, attachment.pk)]), "name": attachment.name,
            "image": attachment.is_image}


@page_errors
def lookup_file(request: HttpRequest, token: str) -> HttpResponse:
    """A file of a case for its submitter: the signed link the lookup handed out (expiring;
    no access code in it). Served as /files/<id>/ serves uploads: never sniffed, never
    scripted, images inline and every other file a download."""
    found = access_lookup_file(token)
    response = file_response(found)
    response["Referrer-Policy"] = "no-referrer"
    return response
