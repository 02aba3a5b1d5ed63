"""Showcase API. Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from plaza.core import ratelimit
from plaza.core.auth import optional
from plaza.core.errors import Invalid, NotFound
from plaza.core.schemas import errors
from plaza.showcase import actions, queries
from plaza.showcase.access import (
    access_exhibitor,
    access_inquiry,
    access_product,
    exhibitor_logo_url,
    product_image_urls,
    require_catalogue,
)
from plaza.showcase.models import Exhibitor, Inquiry, Product
from plaza.showcase.schemas import (
    ExhibitorIn,
    ExhibitorList,
    ExhibitorOut,
    ExhibitorPatch,
    InquiryCreatedOut,
    InquiryIn,
    InquiryList,
    InquiryOut,
    InquiryPatch,
    ProductIn,
    ProductList,
    ProductOut,
    ProductPatch,
    SyndicateIn,
    SyndicationOut,
)
from plaza.spaces.access import access_space
from plaza.spaces.models import Role

router = Router(tags=["showcase"])


def exhibitor_out(e: Exhibitor, slug: str) -> dict[str, Any]:
    return {"id": e.pk, "space": slug, "name": e.name, "description": e.description, "contact": e.contact,
            "logo_url": exhibitor_logo_url(e), "managers": list(e.managers.all()), "created_at": e.created}


def product_out(p: Product, here: str | None = None) -> dict[str, Any]:
    return {
        "id": p.pk, "space": p.space.slug, "name": p.name, "category": p.category, "description": p.description,
        "exhibitor": {"id": p.exhibitor_id, "name": p.exhibitor.name, "contact": p.exhibitor.contact},
        "specs": p.specs, "price": p.price, "currency": p.currency, "image_ids": p.image_ids, "image_urls": product_image_urls(p), "status": p.status,
        "syndicated": here is not None and p.space.slug != here, "created_at": p.created, "updated_at": p.updated,
    }


def inquiry_out(i: Inquiry) -> dict[str, Any]:
    return {"id": i.pk, "product_id": i.product_id, "product": i.product.name, "from_user": i.from_user, "contact": i.contact,
            "message": i.message, "status": i.status, "reply": i.reply, "replied_at": i.replied_at, "created_at": i.created}


@router.post("/spaces/{slug}/exhibitors", response={201: ExhibitorOut, **errors(401, 403, 404, 422)})
def create_exhibitor(request: HttpRequest, slug: str, payload: ExhibitorIn) -> Status:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    e = actions.do_create_exhibitor(acc, name=payload.name, description=payload.description, contact=payload.contact,
                                    manager_ids=payload.manager_ids, logo_id=payload.logo_id)
    return Status(201, exhibitor_out(e, slug))


@router.get("/spaces/{slug}/exhibitors", auth=optional, response={200: ExhibitorList, **errors(403, 404, 422)})
def list_exhibitors(request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc = require_catalogue(access_space(request.auth, slug))
    rows, next_cursor = queries.page_exhibitors(acc, cursor=cursor, limit=limit)
    return {"items": [exhibitor_out(e, slug) for e in rows], "next_cursor": next_cursor}


@router.patch("/exhibitors/{int:exhibitor_id}", response={200: ExhibitorOut, **errors(401, 403, 404, 422)})
def update_exhibitor(request: HttpRequest, exhibitor_id: int, payload: ExhibitorPatch) -> dict[str, Any]:
    acc, exhibitor = access_exhibitor(request.auth, exhibitor_id, for_manage=True)
    updated = actions.do_update_exhibitor(acc, exhibitor, **payload.dict(exclude_unset=True))
    return exhibitor_out(updated, acc.space.slug)


@router.delete("/exhibitors/{int:exhibitor_id}", response={204: None, **errors(401, 403, 404)})
def delete_exhibitor(request: HttpRequest, exhibitor_id: int) -> Status:
    """Space admins remove an exhibitor with its products; their images and the logo are released."""
    acc, exhibitor = access_exhibitor(request.auth, exhibitor_id, for_manage=True)
    actions.do_delete_exhibitor(acc, exhibitor)
    return Status(204, None)


@router.post("/exhibitors/{int:exhibitor_id}/products", response={201: ProductOut, **errors(401, 403, 404, 422)})
def create_product(request: HttpRequest, exhibitor_id: int, payload: ProductIn) -> Status:
    acc, exhibitor = access_exhibitor(request.auth, exhibitor_id, for_manage=True)
    product = actions.do_create_product(acc, exhibitor, **payload.dict(exclude_unset=True))
    return Status(201, product_out(product))


@router.get("/spaces/{slug}/products", auth=optional, response={200: ProductList, **errors(403, 404, 422)})
def list_products(request: HttpRequest, slug: str, category: str = "", q: str = "", cursor: str | None = None,
                  limit: int | None = None) -> dict[str, Any]:
    acc = require_catalogue(access_space(request.auth, slug))
    rows, next_cursor = queries.page_products(acc, category=category[:100], q=q[:100], cursor=cursor, limit=limit)
    return {"items": [product_out(p, slug) for p in rows], "next_cursor": next_cursor}


@router.get("/products/{int:product_id}", auth=optional, response={200: ProductOut, **errors(404)})
def get_product(request: HttpRequest, product_id: int) -> dict[str, Any]:
    _acc, product, _manager = access_product(request.auth, product_id)
    return product_out(product)


@router.patch("/products/{int:product_id}", response={200: ProductOut, **errors(401, 403, 404, 422)})
def update_product(request: HttpRequest, product_id: int, payload: ProductPatch) -> dict[str, Any]:
    acc, product, _how = access_product(request.auth, product_id, for_manage=True)
    return product_out(actions.do_update_product(acc, product, **payload.dict(exclude_unset=True)))


@router.delete("/products/{int:product_id}", response={204: None, **errors(401, 403, 404)})
def delete_product(request: HttpRequest, product_id: int) -> Status:
    acc, product, _how = access_product(request.auth, product_id, for_manage=True)
    actions.do_delete_product(acc, product)
    return Status(204, None)


@router.post("/products/{int:product_id}/syndicate", response={201: SyndicationOut, **errors(401, 403, 404, 409, 422)})
def syndicate(request: HttpRequest, product_id: int, payload: SyndicateIn) -> Status:
    acc, product, _how = access_product(request.auth, product_id, for_manage=True)
    try:
        target = access_space(request.auth, payload.space).space
    except NotFound as exc:
        raise Invalid(_("No such space."), field="space") from exc
    syn = actions.do_syndicate_product(acc, product, target)
    return Status(201, {"product_id": product.pk, "space": syn.space.slug})


@router.post("/products/{int:product_id}/inquiries", auth=optional,
             response={201: InquiryCreatedOut, **errors(404, 422, 429)})
def send_inquiry(request: HttpRequest, product_id: int, payload: InquiryIn) -> Status:
    if request.auth.is_authenticated:
        ratelimit.hit("inquiry", str(request.auth.pk), limit=20, window=600)
    else:
        ratelimit.hit("inquiry-ip", ratelimit.client_key(request), limit=5, window=600)
    _acc, product, _how = access_product(request.auth, product_id)
    inquiry = actions.do_send_inquiry(request.auth, product, message=payload.message, contact=payload.contact or "")
    return Status(201, {"id": inquiry.pk, "status": inquiry.status})


@router.get("/exhibitors/{int:exhibitor_id}/inquiries", response={200: InquiryList, **errors(401, 403, 404, 422)})
def list_inquiries(request: HttpRequest, exhibitor_id: int, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    _acc, exhibitor = access_exhibitor(request.auth, exhibitor_id, for_manage=True)
    rows, next_cursor = queries.page_inquiries(exhibitor, cursor=cursor, limit=limit)
    return {"items": [inquiry_out(i) for i in rows], "next_cursor": next_cursor}


@router.patch("/inquiries/{int:inquiry_id}", response={200: InquiryOut, **errors(401, 404, 409, 422)})
def update_inquiry(request: HttpRequest, inquiry_id: int, payload: InquiryPatch) -> dict[str, Any]:
    acc, inquiry = access_inquiry(request.auth, inquiry_id)
    return inquiry_out(actions.do_update_inquiry(acc, inquiry, status=payload.status, reply=payload.reply))
