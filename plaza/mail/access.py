"""Who may mail whom, and who may read a mail. Missing and forbidden look the same: 404.

A person may write to people they may know: everyone in the spaces where they are a full
member (owner, admin, member), and the people of their own teams in spaces where they are
a guest. A mail is readable only by those who have a delivery of it (sender and recipients).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from plaza.core.errors import NotAuthenticated, NotFound
from plaza.mail.models import Delivery
from plaza.spaces.models import Membership, Role, TeamMembership

FULL_ROLES = [Role.OWNER, Role.ADMIN, Role.MEMBER]


def knowable_people_q(user: Any) -> Q:
    """People ``user`` may know and mail, as a condition on User."""
    full_spaces = Membership.objects.filter(user=user, role__in=FULL_ROLES).values("space_id")
    guest_spaces = Membership.objects.filter(user=user, role=Role.GUEST).values("space_id")
    my_guest_teams = TeamMembership.objects.filter(user=user, space_id__in=guest_spaces).values("team_id")
    return Q(memberships__space_id__in=full_spaces) | Q(team_memberships__team_id__in=my_guest_teams)


def list_knowable_ids(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.accounts.models import User

    ids = set(ids)
    if not ids:
        return set()
    return set(
        User.objects.filter(knowable_people_q(user), pk__in=ids, is_active=True).values_list("pk", flat=True).distinct()
    )


def access_mail(user: Any, message_id: int) -> Delivery:
    """The caller's delivery of mail ``message_id`` (sender or recipient), with its message."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    delivery = (
        Delivery.objects.select_related("message__sender")
        .filter(
            message_id=message_id,
            user=user,
        )
        .first()
    )
    if delivery is None:
        raise NotFound()
    return delivery


def readable_mail_q(user: Any) -> Q:
    """The mails ``user`` may read (sender or recipient: a delivery), as a condition on Message."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(pk__in=Delivery.objects.filter(user=user).values("message_id"))
