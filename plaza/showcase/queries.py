"""Reads of the showcase: exhibitors, the catalogue with search, inquiries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from plaza.core.pagination import keyset_page
from plaza.showcase.access import catalogue_q
from plaza.showcase.models import Exhibitor, Inquiry, InquiryMessage, Product, ProductStatus
from plaza.spaces.access import SpaceAccess


def page_exhibitors(acc: SpaceAccess, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Exhibitor], str | None]:
    return keyset_page(Exhibitor.objects.filter(space=acc.space).prefetch_related("managers"), cursor=cursor, limit=limit)


def catalogue(acc: SpaceAccess, *, category: str = "", q: str = "") -> QuerySet[Product]:
    qs = Product.objects.filter(catalogue_q(acc)).select_related("exhibitor", "space")
    if category:
        qs = qs.filter(category=category)
    for word in q.split()[:5]:
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word) | Q(category__icontains=word)
                       | Q(exhibitor__name__icontains=word))
    return qs


def page_products(acc: SpaceAccess, *, category: str = "", q: str = "", cursor: str | None = None,
                  limit: int | None = None) -> tuple[list[Product], str | None]:
    return keyset_page(catalogue(acc, category=category, q=q), cursor=cursor, limit=limit)


def list_categories(acc: SpaceAccess) -> list[str]:
    return sorted(set(Product.objects.filter(catalogue_q(acc)).values_list("category", flat=True)))


def list_exhibitor_products(exhibitor: Exhibitor, *, drafts: bool) -> list[Product]:
    qs = Product.objects.filter(space_id=exhibitor.space_id, exhibitor=exhibitor).select_related("exhibitor", "space")
    if not drafts:
        qs = qs.filter(status=ProductStatus.PUBLISHED)
    return list(qs.order_by("category", "name"))


def count_exhibitor_products(exhibitor: Exhibitor) -> int:
    """Every product of the exhibitor, drafts included (what removing it would take along)."""
    return Product.objects.filter(space_id=exhibitor.space_id, exhibitor=exhibitor).count()


def page_inquiries(exhibitor: Exhibitor, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Inquiry], str | None]:
    qs = Inquiry.objects.filter(space_id=exhibitor.space_id, exhibitor=exhibitor).select_related("product", "from_user")
    return keyset_page(qs, cursor=cursor, limit=limit)


def list_inquiry_messages(inquiry: Inquiry) -> list[InquiryMessage]:
    """The conversation after an inquiry's question, oldest first."""
    return list(
        InquiryMessage.objects.filter(space_id=inquiry.space_id, inquiry=inquiry)
        .select_related("author")
        .order_by("created", "pk")
    )


def page_my_inquiries(user: Any, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Inquiry], str | None]:
    """The inquiries ``user`` asked, newest first, each with its conversation (two queries)."""
    qs = Inquiry.objects.filter(from_user=user).select_related("product", "exhibitor", "space")
    rows, next_cursor = keyset_page(qs, cursor=cursor, limit=limit)
    attach_threads(rows)
    return rows, next_cursor


def list_my_product_inquiries(user: Any, product: Product) -> list[Inquiry]:
    """What ``user`` asked about ``product``, oldest first, each with its conversation."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(Inquiry.objects.filter(space_id=product.space_id, product=product, from_user=user).order_by("created", "pk"))
    attach_threads(rows)
    return rows


def attach_threads(rows: list[Inquiry]) -> None:
    """Give each inquiry its conversation as ``thread`` (one query)."""
    by_inquiry: dict[int, list[InquiryMessage]] = {r.pk: [] for r in rows}
    if rows:
        for m in InquiryMessage.objects.filter(inquiry_id__in=list(by_inquiry)).select_related("author").order_by("created", "pk"):
            by_inquiry[m.inquiry_id].append(m)
    for r in rows:
        r.thread = by_inquiry[r.pk]  # type: ignore[attr-defined]
