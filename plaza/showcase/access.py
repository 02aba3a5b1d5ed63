"""Who may see and manage exhibitors, products and inquiries. Missing and forbidden: 404.

Catalogues are space-wide content: the space's full members and admins see them, and in a
public space everyone does. Drafts are seen by the exhibitor's managers and space admins
only. A published product syndicated into a space is also seen by whoever sees that space's
catalogue. Managers of an exhibitor (and the space's admins) manage it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from plaza.core.errors import Forbidden, NotAuthenticated, NotFound, PlazaError
from plaza.showcase.models import Exhibitor, Inquiry, Product, ProductStatus, Syndication
from plaza.spaces.access import Part, SpaceAccess, access_row, sees, space_access_for
from plaza.spaces.models import Membership, Role, Space, Visibility


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_see_catalogue(acc: SpaceAccess) -> bool:
    """Catalogues are space-wide content (``spaces.access``: not for guests)."""
    return sees(acc, Part.SPACE_WIDE)


def require_catalogue(acc: SpaceAccess) -> SpaceAccess:
    if not can_see_catalogue(acc):
        if acc.is_guest:
            raise Forbidden()
        raise NotFound()
    return acc


def is_manager(acc: SpaceAccess, exhibitor: Exhibitor) -> bool:
    if not _authenticated(acc.user):
        return False
    if acc.is_admin:
        return True
    # A manager removed from the space manages nothing there any more (issue 18: access is
    # what the person may do now, not what a stored row once said).
    return bool(acc.role) and exhibitor.managers.filter(pk=acc.user.pk).exists()


def access_exhibitor(user: Any, exhibitor_id: int, *, for_manage: bool = False) -> tuple[SpaceAccess, Exhibitor]:
    acc, exhibitor = access_row(user, Exhibitor.objects.filter(pk=exhibitor_id), can_see=lambda acc, _row: can_see_catalogue(acc))
    if for_manage:
        if not _authenticated(user):
            raise NotAuthenticated()
        if not is_manager(acc, exhibitor):
            raise Forbidden()
    return acc, exhibitor


def _visible_syndication_space(user: Any, product: Product) -> SpaceAccess | None:
    """The access to a space the published product is syndicated into, that the user sees."""
    if product.status != ProductStatus.PUBLISHED or product.hidden_at is not None:
        return None
    for syn in Syndication.objects.filter(product=product).select_related("space__parent__parent"):
        try:
            acc = space_access_for(user, syn.space)
        except NotFound:
            continue
        if can_see_catalogue(acc):
            return acc
    return None


def access_product(user: Any, product_id: int, *, for_manage: bool = False) -> tuple[SpaceAccess, Product, bool]:
    """The product, the access to its own space, and whether the caller manages it.

    Visible in its own space's catalogue, or through a syndication the caller can see.
    """
    product = (
        Product.objects.select_related("space__parent__parent", "exhibitor")
        .filter(
            pk=product_id,
        )
        .first()
    )
    if product is None:
        raise NotFound()
    try:
        acc = space_access_for(user, product.space)
    except NotFound:
        acc = None
    manager = acc is not None and is_manager(acc, product.exhibitor)
    own_view = (
        acc is not None
        and can_see_catalogue(acc)
        and (product.status == ProductStatus.PUBLISHED or manager)
        # Hidden by moderators: only the space's admins and the exhibitor's managers.
        and (product.hidden_at is None or manager or acc.is_admin)
    )
    if not own_view:
        via = _visible_syndication_space(user, product)
        if via is None:
            raise NotFound()
        acc = acc or via
    assert acc is not None
    if for_manage:
        if not _authenticated(user):
            raise NotAuthenticated()
        if not manager:
            raise Forbidden()
    return acc, product, manager


def catalogue_q(acc: SpaceAccess) -> Q:
    """Published products of ``acc.space`` and those syndicated into it, as a condition."""
    syndicated = Syndication.objects.filter(space=acc.space).values("product_id")
    shown = Q(status=ProductStatus.PUBLISHED) & (Q(space=acc.space) | Q(pk__in=syndicated))
    if acc.is_admin:
        return shown & (Q(hidden_at__isnull=True) | Q(space=acc.space))
    unhidden = Q(hidden_at__isnull=True)
    if _authenticated(acc.user):
        unhidden |= Q(exhibitor_id__in=Exhibitor.managers.through.objects.filter(user=acc.user).values("exhibitor_id"))
    return shown & unhidden


def check_syndication_target(product: Product, target: Space) -> None:
    """Only public spaces linked to the product's own: siblings, its parent or a child."""
    from plaza.core.errors import Invalid

    source = product.space
    linked = (
        (source.parent_id is not None and target.parent_id == source.parent_id)
        or target.pk == source.parent_id
        or target.parent_id == source.pk
    )
    if target.pk == source.pk or target.visibility != Visibility.PUBLIC or not linked:
        raise Invalid(_("Syndicate only to a public space linked to this one (same parent, parent or child)."), field="space")


def access_inquiry(user: Any, inquiry_id: int) -> tuple[SpaceAccess, Inquiry]:
    """An inquiry, for the managers of its exhibitor and the space's admins (others 404)."""
    return access_row(
        user,
        Inquiry.objects.select_related("exhibitor", "product", "from_user").filter(pk=inquiry_id),
        can_see=lambda acc, inquiry: is_manager(acc, inquiry.exhibitor),
        signed_in=True,
    )


def list_managed_exhibitor_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the exhibitors ``user`` manages or administers (notification target)."""
    ids = list(ids)
    if not ids or not _authenticated(user):
        return set()
    admin_of = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN]).values("space_id")
    member_of = Membership.objects.filter(user=user).values("space_id")
    return set(
        Exhibitor.objects.filter(pk__in=ids)
        .filter(
            Q(managers=user, space_id__in=member_of)
            | Q(space_id__in=admin_of)
            | Q(space__parent_id__in=admin_of)
        )
        .values_list("pk", flat=True)
    )


def exhibitor_upload_visible(user: Any, exhibitor_id: int) -> bool:
    """An exhibitor's logo is seen by whoever may see the exhibitor (in a public space,
    anyone, signed out too)."""
    try:
        access_exhibitor(user, exhibitor_id)
    except NotFound:
        return False
    return True


def product_upload_visible(user: Any, product_id: int) -> bool:
    """A product's images are seen by whoever may see the product (its own catalogue or a
    syndication; in a public space, anyone, signed out too)."""
    try:
        access_product(user, product_id)
    except NotFound:
        return False
    return True


def upload_url(upload_id: int | None) -> str | None:
    return reverse("attachment", args=[upload_id]) if upload_id else None


def exhibitor_logo_url(exhibitor: Exhibitor) -> str | None:
    """The claimed logo upload, else a logo stored on the exhibitor (the admin)."""
    if exhibitor.logo_id:
        return upload_url(exhibitor.logo_id)
    return exhibitor.logo.url if exhibitor.logo else None


def product_image_urls(product: Product) -> list[str]:
    return [reverse("attachment", args=[i]) for i in product.image_ids or []]


INQUIRY_THREAD_SALT = "plaza.showcase.inquiry-thread"
INQUIRY_THREAD_MAX_AGE = 60 * 60 * 24 * 90  # a mailed link works for 90 days


def inquiry_thread_token(inquiry: Inquiry) -> str:
    """The secret of the link mailed to a signed-out asker: signed, so it names only this
    inquiry, and dated, so it expires."""
    from django.core import signing

    return signing.TimestampSigner(salt=INQUIRY_THREAD_SALT).sign(str(inquiry.pk))


def access_inquiry_by_token(token: str) -> Inquiry:
    """The signed-out asker's inquiry named by a mailed link; 404 when the link is bad or old."""
    from django.core import signing

    try:
        pk = int(signing.TimestampSigner(salt=INQUIRY_THREAD_SALT).unsign(token, max_age=INQUIRY_THREAD_MAX_AGE))
    except (signing.BadSignature, ValueError) as exc:
        raise NotFound() from exc
    inquiry = (
        Inquiry.objects.select_related("space", "exhibitor", "product")
        .filter(
            pk=pk,
            from_user__isnull=True,
        )
        .first()
    )
    if inquiry is None:
        raise NotFound()
    return inquiry


def access_my_inquiry(user: Any, inquiry_id: int) -> tuple[SpaceAccess | None, Inquiry, bool]:
    """An inquiry's conversation for its asker or the exhibitor's managers (others 404).

    Returns the managers' space access (None for the asker), the inquiry and whether the
    caller manages it.
    """
    if not _authenticated(user):
        raise NotAuthenticated()
    inquiry = (
        Inquiry.objects.select_related("space__parent__parent", "exhibitor", "product", "from_user")
        .filter(
            pk=inquiry_id,
        )
        .first()
    )
    if inquiry is None:
        raise NotFound()
    if inquiry.from_user_id == user.pk:
        return None, inquiry, False
    try:
        acc = space_access_for(user, inquiry.space)
    except PlazaError as exc:
        raise NotFound() from exc
    if not is_manager(acc, inquiry.exhibitor):
        raise NotFound()
    return acc, inquiry, True


def list_inquiry_ids_for(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the inquiries ``user`` asked or manages (notification target)."""
    ids = list(ids)
    if not ids or not _authenticated(user):
        return set()
    asked = set(Inquiry.objects.filter(pk__in=ids, from_user=user).values_list("pk", flat=True))
    rest = list(Inquiry.objects.filter(pk__in=set(ids) - asked).values_list("pk", "exhibitor_id"))
    managed = list_managed_exhibitor_ids(user, [e for _pk, e in rest])
    return asked | {pk for pk, e in rest if e in managed}


def catalogue_spaces_q(user: Any, prefix: str = "") -> Q:
    """The spaces whose catalogue ``user`` sees (:func:`can_see_catalogue` across spaces), as
    a condition on Space (``prefix`` reaches it through a relation, ``"space__"``)."""
    p = prefix
    public = Q(**{f"{p}visibility": Visibility.PUBLIC})
    if not _authenticated(user):
        return public
    joined = Membership.objects.filter(user=user).values("space_id")
    full_of = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN, Role.MEMBER]).values("space_id")
    admin_of = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN]).values("space_id")
    return (
        Q(**{f"{p}pk__in": full_of})
        | Q(**{f"{p}parent_id__in": admin_of})
        | Q(**{f"{p}parent__parent_id__in": admin_of})
        | (public & ~Q(**{f"{p}pk__in": joined}))
    )


def visible_products_q(user: Any) -> Q:
    """The products anywhere that ``user`` may open (:func:`access_product` across spaces),
    as a condition on Product: published ones in a catalogue they see or syndicated into
    one, and drafts for the exhibitor's managers and the space's admins."""
    in_catalogue = catalogue_spaces_q(user, "space__")
    syndicated = Syndication.objects.filter(space__in=Space.objects.filter(catalogue_spaces_q(user)).values("pk"))
    published = Q(status=ProductStatus.PUBLISHED, hidden_at__isnull=True) & (in_catalogue | Q(pk__in=syndicated.values("product_id")))
    if not _authenticated(user):
        return published
    admin_of = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN]).values("space_id")
    managers = Exhibitor.managers.through.objects.filter(user=user).values("exhibitor_id")
    manages = (
        Q(exhibitor_id__in=managers)
        | Q(space_id__in=admin_of)
        | Q(space__parent_id__in=admin_of)
        | Q(space__parent__parent_id__in=admin_of)
    )
    return published | (in_catalogue & manages)
