"""Export pages: a space's exports (its admins), and a person's own (account settings).

Both list the latest exports with their status; while one is queued or running, the list
is a partial that htmx reloads every two seconds.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from plaza.core.pages import page_errors, render_page, require_login, space_context
from plaza.exports import actions, queries
from plaza.exports.models import Export
from plaza.spaces.access import access_space
from plaza.spaces.models import Role


def _any_active(exports: list[Export]) -> bool:
    return any(e.active for e in exports)


@page_errors
def space_exports(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    if request.method == "POST":
        actions.do_request_space_export(acc)
        messages.success(request, _("The export has started. It stays here for 7 days once it is ready."))
        return redirect("space_exports", slug)
    exports = queries.list_space_exports(acc)
    context = space_context(acc, "exports", exports=exports, polling=_any_active(exports), poll_url=request.path)
    return render_page(request, "exports/space_exports.html", context, partial="exports")


@page_errors
def my_exports(request: HttpRequest) -> HttpResponse:
    require_login(request)
    if request.method == "POST":
        actions.do_request_personal_export(request.user)
        messages.success(request, _("The export has started. It stays here for 7 days once it is ready."))
        return redirect("my_exports")
    exports = queries.list_personal_exports(request.user)
    context = {"section": "export", "exports": exports, "polling": _any_active(exports), "poll_url": request.path}
    return render_page(request, "exports/my_exports.html", context, partial="exports")
