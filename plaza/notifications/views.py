"""Notification pages: the centre, email settings and the one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from plaza.accounts.models import User
from plaza.core.errors import Invalid
from plaza.notifications import actions, queries
from plaza.notifications.kinds import KINDS
from plaza.notifications.models import Mode
from plaza.notifications.tasks import read_unsubscribe_token
from plaza.spaces.queries import list_my_memberships, list_my_teams


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("all"):
            actions.do_mark_read(request.user, all=True)
        else:
            ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
            if ids:
                actions.do_mark_read(request.user, ids=ids)
        return redirect(request.get_full_path())
    unread = request.GET.get("unread") == "1"
    rows, next_cursor = queries.list_notifications(
        request.user, unread=True if unread else None, cursor=request.GET.get("cursor") or None
    )
    return render(request, "notifications/centre.html", {"items": rows, "next_cursor": next_cursor, "unread_only": unread})


@login_required
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link: marks it (and the others about the same thing) read."""
    row = queries.get_notification(request.user, notification_id)
    if row is None:
        raise Http404()
    actions.do_open_notification(request.user, row)
    return redirect(row.url or "notifications")  # type: ignore[attr-defined]


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    memberships = list(list_my_memberships(request.user))
    teams = list_my_teams(request.user)
    if request.method == "POST":
        modes = {key: request.POST[f"mode_{key}"] for key in KINDS if f"mode_{key}" in request.POST}
        muted = [int(m.space_id) for m in memberships if request.POST.get(f"mute_{m.space_id}")]
        muted_teams = [t.pk for t in teams if request.POST.get(f"mute_team_{t.pk}")]
        try:
            actions.do_update_settings(request.user, modes=modes, muted_space_ids=muted, muted_team_ids=muted_teams)
        except Invalid as exc:
            messages.error(request, exc.message())
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notification_settings")
    current = queries.get_settings(request.user)
    kinds = [(key, kind.label, current["modes"][key]) for key, kind in KINDS.items()]
    return render(
        request,
        "notifications/settings.html",
        {
            "kinds": kinds, "mode_choices": Mode.choices, "memberships": memberships, "muted": set(current["muted_spaces"]),
            "teams": teams, "muted_teams": set(current["muted_teams"]),
        },
    )


@csrf_exempt  # RFC 8058 one-click unsubscribe posts from the mail client, without a session
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404()
    user = User.objects.filter(pk=found[0], is_active=True).first()
    kind = KINDS.get(found[1])
    if user is None or kind is None:
        raise Http404()
    done = False
    if request.method == "POST":
        actions.do_unsubscribe(user, kind.key)
        done = True
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": done})
