"""Every write about the showcase. Each ``do_*`` runs in one transaction; inquiry status
changes go through :func:`transition_inquiry`, checked against ``INQUIRY_GRAPH``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core import audit
from plaza.core.errors import Conflict, Forbidden, Invalid
from plaza.core.tasks import enqueue
from plaza.notifications.actions import notify
from plaza.search import actions as search
from plaza.showcase.access import check_syndication_target
from plaza.showcase.models import (
    INQUIRY_GRAPH,
    Exhibitor,
    Inquiry,
    InquiryMessage,
    InquiryStatus,
    Product,
    ProductStatus,
    Syndication,
)
from plaza.spaces.access import SpaceAccess
from plaza.spaces.actions import check_text
from plaza.spaces.models import Membership, Space
from plaza.uploads.actions import claim_uploads, release_uploads
from plaza.webhooks import actions as webhooks

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

PRODUCT_UPLOAD_KIND = "product"  # its images
EXHIBITOR_UPLOAD_KIND = "exhibitor"  # its logo
EXHIBITOR_FIELDS = ["name", "description", "contact", "logo_id"]
PRODUCT_FIELDS = ["name", "category", "description", "specs", "price", "currency", "status", "image_ids"]
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _snapshot(product: Product) -> dict[str, Any]:
    out = audit.snapshot(product, PRODUCT_FIELDS)
    out["price"] = str(out["price"]) if out["price"] is not None else None
    return out


def check_managers(space: Space, ids: Any) -> list[int]:
    ids = list(dict.fromkeys(ids or []))
    found = set(Membership.objects.filter(space=space, user_id__in=ids).values_list("user_id", flat=True))
    if found != set(ids):
        raise Invalid(_("Managers must be members of this space."), field="manager_ids")
    return ids


def check_specs(specs: Any) -> dict[str, str]:
    if specs in (None, ""):
        return {}
    if not isinstance(specs, dict) or len(specs) > 50:
        raise Invalid(_("Give up to 50 specifications as name: value."), field="specs")
    out = {}
    for key, value in specs.items():
        if not isinstance(key, str) or not key.strip() or len(key) > 100 or not isinstance(value, (str, int, float)) \
                or isinstance(value, bool) or len(str(value)) > 500:
            raise Invalid(_("Each specification is a name (≤ 100) and a value (≤ 500 characters)."), field=f"specs.{key}")
        out[key.strip()] = str(value).strip()
    return out


def check_price(price: Any, currency: str | None) -> tuple[Decimal | None, str]:
    if price in (None, ""):
        return None, (currency or "").upper()[:3]
    try:
        value = Decimal(str(price))
    except InvalidOperation as exc:
        raise Invalid(_("Give a price."), field="price") from exc
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        raise Invalid(_("Give a price."), field="price")
    currency = (currency or "CNY").upper()
    if not CURRENCY_RE.match(currency):
        raise Invalid(_("A currency is a three-letter code such as CNY or EUR."), field="currency")
    return value.quantize(Decimal("0.01")), currency


def check_image_ids(ids: Any) -> list[int]:
    ids = list(dict.fromkeys(ids or []))
    if len(ids) > 9 or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
        raise Invalid(_("Give up to 9 upload ids."), field="image_ids")
    return ids


def _claim_images(acc: SpaceAccess, product: Product, data: dict[str, Any]) -> None:
    """Claim the product's images (the manager's own new image uploads, or ones the product
    already has); images dropped by an edit are released."""
    if "image_ids" not in data:
        return
    claim_uploads(acc.user, product.image_ids, kind=PRODUCT_UPLOAD_KIND, obj_id=product.pk, field="image_ids",
                  images_only=True)
    release_uploads(kind=PRODUCT_UPLOAD_KIND, obj_id=product.pk, keep=product.image_ids)


@transaction.atomic
def do_create_exhibitor(acc: SpaceAccess, *, name: str, description: str = "", contact: str = "",
                        manager_ids: list[int] | None = None, logo_id: int | None = None) -> Exhibitor:
    """Admins add exhibitors (member companies) and name their managers; ``logo_id`` is
    the admin's own new image upload, claimed as the logo."""
    if not acc.is_admin:
        raise Forbidden(_("Only admins add exhibitors."))
    managers = check_managers(acc.space, manager_ids)
    exhibitor = Exhibitor.objects.create(
        space=acc.space, name=check_text(name, "name", max_len=120),
        description=check_text(description, "description", max_len=5000, required=False),
        contact=check_text(contact, "contact", max_len=300, required=False), created_by=acc.user,
    )
    exhibitor.managers.set(managers)
    if logo_id is not None:
        claim_uploads(acc.user, [logo_id], kind=EXHIBITOR_UPLOAD_KIND, obj_id=exhibitor.pk, field="logo_id",
                      images_only=True, max_count=1)
        exhibitor.logo_id = logo_id
        exhibitor.save(update_fields=["logo_id"])
    audit.record(space=acc.space, actor=acc.user, action="exhibitor.create", target=exhibitor,
                 after={"name": exhibitor.name, "manager_ids": managers})
    return exhibitor


def _exhibitor_snapshot(exhibitor: Exhibitor) -> dict[str, Any]:
    out = audit.snapshot(exhibitor, EXHIBITOR_FIELDS)
    out["manager_ids"] = sorted(exhibitor.managers.values_list("pk", flat=True))
    return out


def check_logo_id(logo_id: Any) -> int | None:
    if logo_id is None:
        return None
    if isinstance(logo_id, bool) or not isinstance(logo_id, int) or logo_id < 1:
        raise Invalid(_("Give the id of an uploaded image."), field="logo_id")
    return logo_id


@transaction.atomic
def do_update_exhibitor(acc: SpaceAccess, exhibitor: Exhibitor, **data: Any) -> Exhibitor:
    """Change what ``data`` names: name, description, contact, manager_ids, logo_id.

    Precondition: ``access_exhibitor(..., for_manage=True)`` passed (a manager or an admin of
    the space). ``logo_id`` is the caller's own new image upload or the current logo, and
    None removes the logo; a replaced or removed logo is released (an orphan again, purged
    once a day old). All checks run before anything is written; a failure changes nothing.
    """
    locked = Exhibitor.objects.select_for_update().select_related("space").get(pk=exhibitor.pk)
    before = _exhibitor_snapshot(locked)
    if "name" in data:
        locked.name = check_text(data["name"], "name", max_len=120)
    if "description" in data:
        locked.description = check_text(data["description"] or "", "description", max_len=5000, required=False)
    if "contact" in data:
        locked.contact = check_text(data["contact"] or "", "contact", max_len=300, required=False)
    managers = None
    if "manager_ids" in data:
        if data["manager_ids"] is None:
            raise Invalid(_("Give a list of members (it may be empty)."), field="manager_ids")
        managers = check_managers(locked.space, data["manager_ids"])
    if "logo_id" in data:
        logo_id = check_logo_id(data["logo_id"])
        if logo_id is not None:
            claim_uploads(acc.user, [logo_id], kind=EXHIBITOR_UPLOAD_KIND, obj_id=locked.pk, field="logo_id",
                          images_only=True, max_count=1)
        release_uploads(kind=EXHIBITOR_UPLOAD_KIND, obj_id=locked.pk, keep=[logo_id] if logo_id else [])
        locked.logo_id = logo_id
    locked.save()
    if managers is not None:
        locked.managers.set(managers)
    audit.record_change(space=locked.space, actor=acc.user, action="exhibitor.update", target=locked, before=before,
                        after=_exhibitor_snapshot(locked))
    return locked


@transaction.atomic
def do_delete_exhibitor(acc: SpaceAccess, exhibitor: Exhibitor) -> int:
    """Remove an exhibitor from the showcase with its whole catalogue: its products (with
    their syndications and inquiries) go too, and the logo and every product image are
    released, so nobody downloads them any more and the hourly purge deletes the files.
    Space admins only (they add exhibitors); managers delete products one by one.
    Returns how many products went with it.
    """
    if not acc.is_admin:
        raise Forbidden(_("Only admins remove exhibitors."))
    locked = Exhibitor.objects.select_for_update().select_related("space").get(pk=exhibitor.pk)
    product_ids = list(Product.objects.filter(space_id=locked.space_id, exhibitor=locked).values_list("pk", flat=True))
    audit.record(space=locked.space, actor=acc.user, action="exhibitor.delete", target=locked,
                 before={**_exhibitor_snapshot(locked), "product_ids": product_ids})
    for pk in product_ids:
        release_uploads(kind=PRODUCT_UPLOAD_KIND, obj_id=pk)
    release_uploads(kind=EXHIBITOR_UPLOAD_KIND, obj_id=locked.pk)
    search.unindex(search.Kind.PRODUCT, product_ids)
    locked.delete()
    return len(product_ids)


def _apply_product(product: Product, data: dict[str, Any], *, partial: bool) -> None:
    if not partial or "name" in data:
        product.name = check_text(data.get("name"), "name", max_len=200)
    if not partial or "category" in data:
        product.category = check_text(data.get("category"), "category", max_len=100)
    if "description" in data:
        product.description = check_text(data.get("description"), "description", max_len=10000, required=False)
    if "specs" in data:
        product.specs = check_specs(data.get("specs"))
    if "price" in data or "currency" in data:
        product.price, product.currency = check_price(data.get("price", product.price), data.get("currency", product.currency))
    if "image_ids" in data:
        product.image_ids = check_image_ids(data.get("image_ids"))
    if "status" in data:
        if data["status"] not in ProductStatus.values:
            raise Invalid(_("Choose draft or published."), field="status")
        product.status = data["status"]


@transaction.atomic
def do_create_product(acc: SpaceAccess, exhibitor: Exhibitor, **data: Any) -> Product:
    """Precondition: ``access_exhibitor(..., for_manage=True)`` passed."""
    product = Product(space=exhibitor.space, exhibitor=exhibitor)
    _apply_product(product, data, partial=False)
    product.save()
    _claim_images(acc, product, data)
    audit.record(space=exhibitor.space, actor=acc.user, action="product.create", target=product,
                 after=_snapshot(product))
    search.index_product(product, new=True)
    return product


@transaction.atomic
def do_update_product(acc: SpaceAccess, product: Product, **data: Any) -> Product:
    before = _snapshot(product)
    _apply_product(product, data, partial=True)
    product.save()
    _claim_images(acc, product, data)
    after = _snapshot(product)
    if audit.record_change(space=product.space, actor=acc.user, action="product.update", target=product, before=before, after=after):
        search.index_product(product)
    return product


@transaction.atomic
def do_delete_product(acc: SpaceAccess, product: Product) -> None:
    """Delete the product (its syndications and inquiries go with it) and release its
    images: nobody downloads them any more, and the hourly purge deletes the files."""
    audit.record(space=product.space, actor=acc.user, action="product.delete", target=product,
                 before=_snapshot(product))
    release_uploads(kind=PRODUCT_UPLOAD_KIND, obj_id=product.pk)
    search.unindex(search.Kind.PRODUCT, product.pk)
    product.delete()


@transaction.atomic
def do_syndicate_product(acc: SpaceAccess, product: Product, target: Space) -> Syndication:
    check_syndication_target(product, target)
    try:
        with transaction.atomic():
            syn = Syndication.objects.create(space=target, product=product, created_by=acc.user)
    except IntegrityError as exc:
        raise Conflict(_("This product is already shown there.")) from exc
    audit.record(space=product.space, actor=acc.user, action="product.syndicate", target=product,
                 after={"space": target.slug})
    return syn


@transaction.atomic
def do_send_inquiry(user: Any, product: Product, *, message: str, contact: str = "") -> Inquiry:
    """Anyone who sees the product asks its exhibitor; signed-out visitors must leave a contact."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    contact = check_text(contact, "contact", max_len=300, required=not signed_in)
    inquiry = Inquiry.objects.create(
        space_id=product.space_id, product=product, exhibitor=product.exhibitor, from_user=user if signed_in else None,
        contact=contact, message=check_text(message, "message", max_len=5000),
    )
    managers = list(product.exhibitor.managers.values_list("pk", flat=True))
    notify(recipients=managers, kind="inquiry_received", actor=user if signed_in else None, space=product.space,
           target_type="exhibitor", target_id=product.exhibitor_id,
           data={"product": product.name, "exhibitor_id": product.exhibitor_id})
    webhooks.emit(product.space, "inquiry.created", {"id": inquiry.pk, "product": {"id": product.pk, "name": product.name}, "exhibitor_id": product.exhibitor_id, "message": inquiry.message})
    return inquiry


def transition_inquiry(inquiry: Inquiry, to: str, *, actor: Any, reply: str = "") -> Inquiry:
    """The only place an inquiry's status changes; 409 when ``INQUIRY_GRAPH`` forbids it."""
    if to not in InquiryStatus.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(InquiryStatus.values)}, field="status")
    if to not in INQUIRY_GRAPH[inquiry.status]:
        raise Conflict(_("This inquiry cannot move from %(a)s to %(b)s.") % {"a": inquiry.status, "b": to})
    if to == InquiryStatus.REPLIED:
        inquiry.reply = check_text(reply, "reply", max_len=5000)
        inquiry.replied_by = actor
        inquiry.replied_at = timezone.now()
    inquiry.status = to
    inquiry.save(update_fields=["status", "reply", "replied_by", "replied_at"])
    if to == InquiryStatus.REPLIED:
        # The reply joins the conversation, which the asker reads on the product page, in
        # "My inquiries" or (signed out) through the signed link mailed to them.
        InquiryMessage.objects.create(space_id=inquiry.space_id, inquiry=inquiry, author=actor, by_exhibitor=True,
                                      body=inquiry.reply)
        if inquiry.from_user_id:
            notify(recipients=[inquiry.from_user_id], kind="inquiry_replied", actor=actor, space=inquiry.space,
                   target_type="inquiry", target_id=inquiry.pk, data={"product": inquiry.product.name})
        elif inquiry_email(inquiry):
            enqueue("showcase.send_inquiry_reply_email", inquiry.pk)
    return inquiry


def inquiry_email(inquiry: Inquiry) -> str:
    """The email address a signed-out asker left as their contact, if it is one."""
    contact = (inquiry.contact or "").strip()
    return contact if EMAIL.fullmatch(contact) else ""


@transaction.atomic
def do_update_inquiry(acc: SpaceAccess, inquiry: Inquiry, *, status: str, reply: str | None = None) -> Inquiry:
    """The exhibitor's managers reply or close. Only the asker's follow-up makes it new again."""
    if status == InquiryStatus.NEW:
        raise Conflict(_("This inquiry cannot move from %(a)s to %(b)s.") % {"a": inquiry.status, "b": status})
    locked = Inquiry.objects.select_for_update().select_related("space", "product").get(pk=inquiry.pk)
    return transition_inquiry(locked, status, actor=acc.user, reply=reply or "")


@transaction.atomic
def do_follow_up_inquiry(user: Any, inquiry: Inquiry, *, body: str) -> InquiryMessage:
    """The asker writes again in their inquiry's conversation (precondition: the asker's
    access passed, ``access_my_inquiry`` or ``access_inquiry_by_token``). A replied inquiry
    is new again, and the exhibitor's managers are told."""
    locked = Inquiry.objects.select_for_update().select_related("space", "product", "exhibitor").get(pk=inquiry.pk)
    if locked.status == InquiryStatus.CLOSED:
        raise Conflict(_("This inquiry is closed."))
    signed_in = bool(getattr(user, "is_authenticated", False))
    message = InquiryMessage.objects.create(
        space_id=locked.space_id, inquiry=locked, author=user if signed_in else None, by_exhibitor=False,
        body=check_text(body, "body", max_len=5000),
    )
    if locked.status == InquiryStatus.REPLIED:
        locked.status = InquiryStatus.NEW
        locked.save(update_fields=["status"])
    managers = list(locked.exhibitor.managers.values_list("pk", flat=True))
    notify(recipients=managers, kind="inquiry_received", actor=user if signed_in else None, space=locked.space,
           target_type="exhibitor", target_id=locked.exhibitor_id,
           data={"product": locked.product.name, "exhibitor_id": locked.exhibitor_id})
    return message


@transaction.atomic
def do_set_product_hidden(acc: SpaceAccess, product: Product, *, hidden: bool) -> None:
    """Hide the product for moderation (space admins), or show it again: hidden, it is gone for
    everyone but the space's admins and its author (``spaces.access.unhidden_*``)."""
    if not acc.is_admin:
        raise Forbidden()
    if (product.hidden_at is not None) == hidden:
        return
    product.hidden_at = timezone.now() if hidden else None
    Product.objects.filter(pk=product.pk).update(hidden_at=product.hidden_at)
