"""Pages of webhooks, under a space's admin pages: the endpoints with the form to add one,
and one endpoint's delivery log. Each view reaches the space through ``access_*``, calls one
action or query and renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.core.errors import Invalid
from plaza.core.pages import page_errors, parse_int, render_page, space_context
from plaza.spaces.access import access_space
from plaza.spaces.models import Role
from plaza.webhooks import actions, queries
from plaza.webhooks.access import access_webhook
from plaza.webhooks.models import EVENTS

EVENT_LABELS = {
    "post.created": gettext_lazy("A post is published"),
    "post.deleted": gettext_lazy("A post is deleted"),
    "comment.created": gettext_lazy("A comment is written"),
    "blog.published": gettext_lazy("A blog is published"),
    "announcement.published": gettext_lazy("An announcement is published"),
    "event.created": gettext_lazy("An event is created"),
    "poll.closed": gettext_lazy("A poll closes"),
    "case.created": gettext_lazy("A case is submitted"),
    "case.transitioned": gettext_lazy("A case changes status"),
    "inquiry.created": gettext_lazy("A product inquiry arrives"),
    "member.joined": gettext_lazy("Someone joins the space"),
    "member.left": gettext_lazy("Someone leaves or is removed"),
}

SECRET_SESSION_KEY = "plaza.webhooks.new_secret"


@page_errors
def webhook_list(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    error = ""
    url = ""
    chosen: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "create")
        if action in ("delete", "enable"):
            _acc, webhook = access_webhook(request.user, parse_int(request.POST.get("webhook_id"), "webhook_id"))
            if webhook.space_id != acc.space.pk:
                return redirect("webhook_list", slug)
            if action == "delete":
                actions.do_delete_webhook(acc, webhook)
                messages.success(request, _("The webhook was removed."))
            else:
                actions.do_enable_webhook(acc, webhook)
                messages.success(request, _("The webhook is on again."))
            return redirect("webhook_list", slug)
        url = request.POST.get("url", "")
        chosen = request.POST.getlist("events")
        try:
            webhook = actions.do_create_webhook(acc, url=url, events=chosen)
        except Invalid as exc:
            error = exc.message()
        else:
            # Shown once, on the next page, then forgotten.
            request.session[SECRET_SESSION_KEY] = {"id": webhook.pk, "secret": webhook.secret}
            messages.success(request, _("The webhook was added."))
            return redirect("webhook_list", slug)
    new_secret = request.session.pop(SECRET_SESSION_KEY, None)
    context = space_context(
        acc,
        "webhooks",
        webhooks=queries.list_webhooks(acc),
        events=[(e, EVENT_LABELS[e]) for e in EVENTS],
        labels=EVENT_LABELS,
        error=error,
        url=url,
        chosen=chosen,
        new_secret=new_secret,
    )
    return render_page(request, "webhooks/webhook_list.html", context, status=422 if error else 200)


@page_errors
def webhook_deliveries(request: HttpRequest, slug: str, webhook_id: int) -> HttpResponse:
    acc, webhook = access_webhook(request.user, webhook_id)
    if acc.space.slug != slug:
        return redirect("webhook_deliveries", acc.space.slug, webhook_id)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.page_deliveries(acc, webhook, cursor=cursor, limit=50)
    context = space_context(acc, "webhooks", webhook=webhook, deliveries=rows, next_cursor=next_cursor, labels=EVENT_LABELS)
    return render_page(request, "webhooks/deliveries.html", context, partial="rows" if cursor else None)
