"""Pages of the showcase: a space's catalogue by category with search, an exhibitor's page
(its products; inquiries for its managers) and a product page with the inquiry form.

Each view parses input, reaches data through ``access_*``, calls one action or query and
renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plaza.core import ratelimit
from plaza.core.errors import Invalid
from plaza.core.pages import page_errors, parse_int, require_login
from plaza.showcase import actions, queries
from plaza.showcase.access import (
    access_exhibitor,
    access_inquiry,
    access_inquiry_by_token,
    access_my_inquiry,
    access_product,
    exhibitor_logo_url,
    is_manager,
    product_image_urls,
    require_catalogue,
)
from plaza.showcase.models import InquiryStatus
from plaza.spaces.access import access_space
from plaza.spaces.queries import list_member_choices
from plaza.uploads.actions import do_upload_file


@page_errors
def product_list(request: HttpRequest, slug: str) -> HttpResponse:
    acc = require_catalogue(access_space(request.user, slug))
    category = request.GET.get("category", "")[:100]
    q = request.GET.get("q", "").strip()[:100]
    rows, next_cursor = queries.page_products(acc, category=category, q=q, cursor=request.GET.get("cursor") or None)
    exhibitors, _next = queries.page_exhibitors(acc, limit=100)
    return render(request, "showcase/product_list.html", {
        "acc": acc, "space": acc.space, "tab": "showcase", "products": rows, "next_cursor": next_cursor,
        "categories": queries.list_categories(acc), "category": category, "q": q, "exhibitors": exhibitors,
    })


@page_errors
def exhibitor_detail(request: HttpRequest, exhibitor_id: int) -> HttpResponse:
    acc, exhibitor = access_exhibitor(request.user, exhibitor_id)
    manager = is_manager(acc, exhibitor)
    if request.method == "POST":
        acc, inquiry = access_inquiry(request.user, parse_int(request.POST.get("inquiry_id"), "inquiry_id"))
        actions.do_update_inquiry(acc, inquiry, status=request.POST.get("status", ""), reply=request.POST.get("reply", ""))
        messages.success(request, _("The inquiry was updated."))
        return redirect("exhibitor_detail", exhibitor_id=exhibitor_id)
    inquiries = queries.page_inquiries(exhibitor, limit=100)[0] if manager else []
    queries.attach_threads(inquiries)
    return render(request, "showcase/exhibitor_detail.html", {
        "acc": acc, "space": acc.space, "tab": "showcase", "exhibitor": exhibitor, "manager": manager,
        "products": queries.list_exhibitor_products(exhibitor, drafts=manager), "inquiries": inquiries,
        "statuses": InquiryStatus.choices, "logo_url": exhibitor_logo_url(exhibitor),
    })


@page_errors
def exhibitor_edit(request: HttpRequest, exhibitor_id: int) -> HttpResponse:
    """Managers and admins edit the exhibitor (name, description, contact, logo, managers);
    admins also remove it with its catalogue."""
    require_login(request)
    acc, exhibitor = access_exhibitor(request.user, exhibitor_id, for_manage=True)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            if not request.POST.get("confirm"):
                raise Invalid(_("Tick the box to confirm."), field="confirm")
            count = actions.do_delete_exhibitor(acc, exhibitor)
            messages.success(request, _("The exhibitor and its %(n)d products were removed.") % {"n": count})
            return redirect("product_list", slug=acc.space.slug)
        data: dict[str, object] = {
            "name": request.POST.get("name", ""), "description": request.POST.get("description", ""),
            "contact": request.POST.get("contact", ""),
            "manager_ids": [parse_int(v, "manager_ids") for v in request.POST.getlist("manager_ids")],
        }
        picked = request.FILES.get("logo")
        if picked:
            data["logo_id"] = do_upload_file(request.user, picked).pk
        elif request.POST.get("remove_logo"):
            data["logo_id"] = None
        actions.do_update_exhibitor(acc, exhibitor, **data)
        messages.success(request, _("The exhibitor was saved."))
        return redirect("exhibitor_detail", exhibitor_id=exhibitor_id)
    managers = list(exhibitor.managers.all())
    members = list_member_choices(acc)
    known = {m.user_id for m in members}
    return render(request, "showcase/exhibitor_edit.html", {
        "acc": acc, "space": acc.space, "tab": "showcase", "exhibitor": exhibitor, "logo_url": exhibitor_logo_url(exhibitor),
        "choices": [m.user for m in members] + [u for u in managers if u.pk not in known],
        "manager_ids": {u.pk for u in managers}, "product_count": queries.count_exhibitor_products(exhibitor),
    })


@page_errors
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    acc, product, manager = access_product(request.user, product_id)
    if request.method == "POST":
        if request.user.is_authenticated:
            ratelimit.hit("inquiry", str(request.user.pk), limit=20, window=600)
        else:
            ratelimit.hit("inquiry-ip", ratelimit.client_key(request), limit=5, window=600)
        actions.do_send_inquiry(request.user, product, message=request.POST.get("message", ""),
                                contact=request.POST.get("contact", ""))
        messages.success(request, _("Your inquiry was sent to the exhibitor."))
        return redirect("product_detail", product_id=product_id)
    return render(request, "showcase/product_detail.html", {
        "acc": acc, "space": acc.space, "tab": "showcase", "product": product, "manager": manager,
        "image_urls": product_image_urls(product), "my_inquiries": queries.list_my_product_inquiries(request.user, product),
    })


@login_required
def my_inquiries(request: HttpRequest) -> HttpResponse:
    """Every inquiry I asked, in any space, with the exhibitors' replies."""
    rows, next_cursor = queries.page_my_inquiries(request.user, cursor=request.GET.get("cursor") or None)
    return render(request, "showcase/my_inquiries.html", {"inquiries": rows, "next_cursor": next_cursor})


@page_errors
def inquiry_thread(request: HttpRequest, inquiry_id: int) -> HttpResponse:
    """One inquiry's conversation, for its asker (who may write again) and the managers."""
    require_login(request)
    _acc, inquiry, manager = access_my_inquiry(request.user, inquiry_id)
    if request.method == "POST" and not manager:
        actions.do_follow_up_inquiry(request.user, inquiry, body=request.POST.get("body", ""))
        messages.success(request, _("Your message was sent to the exhibitor."))
        return redirect("inquiry_thread", inquiry_id=inquiry_id)
    if manager:
        return redirect("exhibitor_detail", exhibitor_id=inquiry.exhibitor_id)
    return render(request, "showcase/inquiry_thread.html", {
        "inquiry": inquiry, "thread": queries.list_inquiry_messages(inquiry), "token": None,
    })


@page_errors
def inquiry_thread_by_token(request: HttpRequest, token: str) -> HttpResponse:
    """A signed-out asker's conversation, through the link mailed with the reply."""
    inquiry = access_inquiry_by_token(token)
    if request.method == "POST":
        ratelimit.hit("inquiry-ip", ratelimit.client_key(request), limit=5, window=600)
        actions.do_follow_up_inquiry(request.user, inquiry, body=request.POST.get("body", ""))
        messages.success(request, _("Your message was sent to the exhibitor."))
        return redirect("inquiry_thread_by_token", token=token)
    response = render(request, "showcase/inquiry_thread.html", {
        "inquiry": inquiry, "thread": queries.list_inquiry_messages(inquiry), "token": token,
    })
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: never pass it on
    return response
