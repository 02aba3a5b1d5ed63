"""Pages of the showcase: a space's catalogue by category with search, an exhibitor's page
(its products; inquiries for its managers) and a product page with the inquiry form.

Each view parses input, reaches data through ``access_*``, calls one action or query and
renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from plaza.core import ratelimit
from plaza.showcase import actions, queries
from plaza.showcase.access import (
    access_exhibitor,
    access_inquiry,
    access_product,
    exhibitor_logo_url,
    is_manager,
    product_image_urls,
    require_catalogue,
)
from plaza.showcase.models import InquiryStatus
from plaza.spaces.access import access_space
from plaza.spaces.views import page_errors, parse_int


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
    return render(request, "showcase/exhibitor_detail.html", {
        "acc": acc, "space": acc.space, "tab": "showcase", "exhibitor": exhibitor, "manager": manager,
        "products": queries.list_exhibitor_products(exhibitor, drafts=manager), "inquiries": inquiries,
        "statuses": InquiryStatus.choices, "logo_url": exhibitor_logo_url(exhibitor),
    })


@page_errors
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    acc, product, manager = access_product(request.user, product_id)
    if request.method == "POST":
        if request.user.is_authenticated:
            ratelimit.hit("inquiry", str(request.user.pk), limit=20, window=600)
        else:
            ratelimit.hit("inquiry-ip", ratelimit.client_ip(request), limit=5, window=600)
        actions.do_send_inquiry(request.user, product, message=request.POST.get("message", ""),
                                contact=request.POST.get("contact", ""))
        messages.success(request, _("Your inquiry was sent to the exhibitor."))
        return redirect("product_detail", product_id=product_id)
    return render(request, "showcase/product_detail.html", {
        "acc": acc, "space": acc.space, "tab": "showcase", "product": product, "manager": manager,
        "image_urls": product_image_urls(product),
    })
