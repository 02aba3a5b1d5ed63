"""Who may reach a discussion group. Missing and forbidden look the same: 404.

A group is visible only to its members, and only while they are members of its space (or
administer it from a parent space). Space admins who are not in a group do not see it:
groups are private conversations.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from plaza.chat.models import Group, GroupMember, Message
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.spaces.access import SpaceAccess, space_access_for, unhidden_visible_q
from plaza.spaces.models import Membership, Role, Space, TeamMembership


def access_group(acc: SpaceAccess, group_id: int, *, for_write: bool = False) -> tuple[Group, GroupMember]:
    """A group of ``acc.space`` the caller belongs to; ``for_write`` (rename, manage
    members) needs its creator or a group admin (403 for other members)."""
    if not getattr(acc.user, "is_authenticated", False):
        raise NotAuthenticated()
    if not acc.role:
        raise NotFound()
    member = (
        GroupMember.objects.select_related("group")
        .filter(
            space=acc.space,
            group_id=group_id,
            user=acc.user,
        )
        .first()
    )
    if member is None:
        raise NotFound()
    if for_write and not member.manages:
        raise Forbidden()
    member.group.space = acc.space
    return member.group, member


def access_group_by_id(user: Any, group_id: int, *, for_write: bool = False) -> tuple[SpaceAccess, Group, GroupMember]:
    """For routes that name only the group: find its space, then check as above."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    space = Space.objects.select_related("parent__parent").filter(pk__in=Group.objects.filter(pk=group_id).values("space_id")).first()
    if space is None:
        raise NotFound()
    acc = space_access_for(user, space)
    group, member = access_group(acc, group_id, for_write=for_write)
    return acc, group, member


def access_message(group: Group, message_id: int, *, user: Any, for_write: bool = False) -> Message:
    """A live message of ``group``; ``for_write`` (edit, delete) needs its author."""
    message = (
        Message.objects.select_related("author")
        .filter(
            space_id=group.space_id,
            group=group,
            pk=message_id,
            deleted_at__isnull=True,
        )
        .first()
    )
    if message is None or (message.hidden_at is not None and message.author_id != getattr(user, "pk", None)):
        raise NotFound()
    if for_write and (message.author_id != user.pk or message.is_call_record):
        raise Forbidden()
    return message


def visible_messages_q(user: Any) -> Q:
    """The live messages ``user`` may read anywhere, as a condition on Message: those of the
    groups they belong to, while they are in the group's space (or administer it from a
    parent space), as :func:`access_group` and :func:`access_message` decide one by one."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    groups = GroupMember.objects.filter(user=user).values("group_id")
    joined = Membership.objects.filter(user=user).values("space_id")
    admin_of = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN]).values("space_id")
    in_space = Q(space_id__in=joined) | Q(space__parent_id__in=admin_of) | Q(space__parent__parent_id__in=admin_of)
    return Q(group_id__in=groups, deleted_at__isnull=True) & in_space & unhidden_visible_q(user)


def list_direct_chat_space_ids(user: Any, other_id: int) -> list[int]:
    """The spaces where ``user`` may chat one-to-one with ``other_id``, oldest first: both
    are members, and ``user`` may know the other there (the rule mail follows, see
    ``mail.access.knowable_people_q``): a full member knows everyone of the space, a guest
    the people of their own teams."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    full = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN, Role.MEMBER]).values("space_id")
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    team_spaces = TeamMembership.objects.filter(user_id=other_id, team_id__in=my_teams).values("space_id")
    return list(
        Membership.objects.filter(
            Q(space_id__in=full) | Q(space_id__in=team_spaces),
            user_id=other_id,
            user__is_active=True,
        )
        .order_by("space_id")
        .values_list("space_id", flat=True)
    )
