"""The search page: the query from the top bar, filters by type, space and date, and one
page of highlighted results (with "more" by cursor)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from plaza.core.errors import Invalid
from plaza.core.pages import page_errors, render_page
from plaza.search import queries
from plaza.search.api import rate_limit
from plaza.search.models import Kind


def _date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Enter a valid date."), field=field) from exc


@page_errors
def search_page(request: HttpRequest) -> HttpResponse:
    g = request.GET
    q = g.get("q", "").strip()
    context: dict[str, Any] = {
        "q": q,
        "kind": g.get("type", ""),
        "space_slug": g.get("space", ""),
        "date_from": g.get("from", ""),
        "date_to": g.get("to", ""),
        "kinds": Kind.choices,
        "hits": [],
        "next_cursor": None,
        "error": "",
        "searched": bool(q),
    }
    if q:
        rate_limit(request, request.user)
        try:
            text = queries.check_query(q)
            hits, next_cursor = queries.search(
                request.user,
                q=text,
                kinds=queries.check_kinds(context["kind"]),
                space=context["space_slug"] or None,
                date_from=_date(context["date_from"], "from"),
                date_to=_date(context["date_to"], "to"),
                cursor=g.get("cursor") or None,
            )
        except Invalid as exc:
            context["error"] = exc.message()
        else:
            context.update(hits=hits, next_cursor=next_cursor)
    return render_page(request, "search/results.html", context, partial="results" if g.get("cursor") else None)
