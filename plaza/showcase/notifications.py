"""The showcase's notification kinds and targets, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target

register_kind(Kind("inquiry_received", gettext_lazy("Inquiries about products I manage"), "immediate",
                   lambda d: _("New inquiry about %(product)s.") % d))
register_kind(Kind("inquiry_replied", gettext_lazy("Replies to my product inquiries"), "immediate",
                   lambda d: _("%(actor)s replied to your inquiry about %(product)s.") % d))


def _managed(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.showcase.access import list_managed_exhibitor_ids

    return list_managed_exhibitor_ids(user, ids)


def _visible_products(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.core.errors import PlazaError
    from plaza.showcase.access import access_product

    out = set()
    for pk in ids:
        try:
            access_product(user, pk)
        except PlazaError:
            continue
        out.add(pk)
    return out


register_target(Target("exhibitor", _managed, lambda pk, d: f"/exhibitors/{pk}/"))
register_target(Target("product", _visible_products, lambda pk, d: f"/products/{pk}/"))


def _my_inquiries(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.showcase.access import list_inquiry_ids_for

    return list_inquiry_ids_for(user, ids)


register_target(Target("inquiry", _my_inquiries, lambda pk, d: f"/inquiries/{pk}/"))
