"""Reads of discussion groups: my groups with unread counts, members, history pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from plaza.chat.models import Group, GroupKind, GroupMember, Message
from plaza.core.errors import Invalid
from plaza.core.pagination import clamp_limit
from plaza.spaces.access import SpaceAccess, unhidden_q
from plaza.spaces.models import Membership


def _in_space() -> Exists:
    """The GroupMember's person is (still) a member of the group's space."""
    return Exists(Membership.objects.filter(space_id=OuterRef("space_id"), user_id=OuterRef("user_id")))


def current_members(group: Group) -> QuerySet[GroupMember]:
    """The group's members who are still in its space, oldest first."""
    return (
        GroupMember.objects.filter(space_id=group.space_id, group=group)
        .filter(_in_space())
        .select_related("user")
        .order_by("created", "pk")
    )


def list_member_ids(group: Group) -> set[int]:
    return set(current_members(group).values_list("user_id", flat=True))


def list_groups(acc: SpaceAccess) -> list[Group]:
    """The caller's groups in ``acc.space``, most recently active first (one query).

    Each carries ``unread`` (messages by others after the read marker), ``last_message_id``
    and ``my_role``.
    """
    mine = GroupMember.objects.filter(space=acc.space, group=OuterRef("pk"), user=acc.user)
    unread = (
        Message.objects.filter(
            space=acc.space,
            group=OuterRef("pk"),
            deleted_at__isnull=True,
            hidden_at__isnull=True,  # hidden by moderators: by others, so never shown to the caller
            # OuterRef here is the message: its group's marker for the caller.
            pk__gt=Subquery(
                GroupMember.objects.filter(group=OuterRef("group"), user=acc.user).values("last_read_message_id")[:1]
            ),
        )
        .exclude(author=acc.user)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last = Message.objects.filter(space=acc.space, group=OuterRef("pk"), deleted_at__isnull=True).order_by("-pk").values("pk")[:1]
    return list(
        Group.objects.filter(space=acc.space, members__user=acc.user, kind=GroupKind.GROUP)
        .annotate(
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
            last_message_id=Coalesce(Subquery(last, output_field=IntegerField()), 0),
            my_role=Subquery(mine.values("role")[:1]),
            member_count=Subquery(
                GroupMember.objects.filter(group=OuterRef("pk")).filter(_in_space()).order_by()
                .values("group").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
        )
        .order_by("-last_message_id", "-created", "-pk")
    )


def count_unread(member: GroupMember) -> int:
    return (
        Message.objects.filter(space_id=member.space_id, group_id=member.group_id, deleted_at__isnull=True,
                               hidden_at__isnull=True, pk__gt=member.last_read_message_id)
        .exclude(author_id=member.user_id)
        .count()
    )


def list_messages(
    group: Group, *, acc: SpaceAccess | None = None, before: int | None = None, limit: int | None = None
) -> tuple[list[Message], str | None]:
    """One page of history, newest first: messages older than ``before`` (a message id).

    ``next_cursor`` is the id to pass as ``before`` for the next, older page (or None).
    Messages hidden by moderators are left out unless ``acc`` (the reader) is their author
    or an admin of the space (without ``acc``: left out).
    """
    size = clamp_limit(limit)
    if before is not None and before < 1:
        raise Invalid(_("Give the id of a message."), field="before")
    qs = Message.objects.filter(space_id=group.space_id, group=group, deleted_at__isnull=True).select_related("author")
    qs = qs.filter(unhidden_q(acc)) if acc is not None else qs.filter(hidden_at__isnull=True)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs.order_by("-pk")[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = str(rows[-1].pk)
    return rows, next_cursor


def get_message(group: Group, message_id: int) -> Message | None:
    return Message.objects.select_related("author").filter(space_id=group.space_id, group=group, pk=message_id).first()


# --- for the socket and for notifications ---------------------------------------------------


def list_my_group_ids(user_id: int) -> set[int]:
    """The groups whose live events this person's sockets receive (one query).

    Membership of the group's space is checked at delivery time by the space scope.
    """
    return set(GroupMember.objects.filter(user_id=user_id).values_list("group_id", flat=True))


def list_typing_recipients(user_id: int, group_id: int) -> tuple[int, set[int]] | None:
    """(space id, the other current members) when ``user_id`` may type in the group, else None."""
    member = GroupMember.objects.select_related("group").filter(group_id=group_id, user_id=user_id).filter(_in_space()).first()
    if member is None:
        return None
    return member.space_id, list_member_ids(member.group) - {user_id}


def list_visible_message_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, live messages in groups ``user`` belongs to now, in spaces they are in (one query)."""
    ids = list(ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Message.objects.filter(
            Q(pk__in=ids),
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            group__members__user=user,
            space_id__in=Membership.objects.filter(user=user).values("space_id"),
        ).values_list("pk", flat=True)
    )


def get_attachment(user: Any, attachment_id: int) -> Any:
    """A file of a live message in a group ``user`` is in now; anything else is 404."""
    from plaza.chat.access import access_group_by_id
    from plaza.chat.models import Attachment
    from plaza.core.errors import NotFound

    found = Attachment.objects.select_related("message").filter(pk=attachment_id, message__deleted_at__isnull=True).first()
    if found is None:
        raise NotFound()
    access_group_by_id(user, found.message.group_id)
    return found


# --- the inbox: conversations across spaces -------------------------------------------------


def _in_my_spaces(user: Any) -> Q:
    """Groups (as a condition on Group) in spaces ``user`` is in now, or administers from a
    parent space: the spaces where ``access.access_group`` lets them in."""
    from plaza.spaces.models import Role

    joined = Membership.objects.filter(user=user).values("space_id")
    admin_of = Membership.objects.filter(user=user, role__in=[Role.OWNER, Role.ADMIN]).values("space_id")
    return Q(space_id__in=joined) | Q(space__parent_id__in=admin_of) | Q(space__parent__parent_id__in=admin_of)


def list_conversations(user: Any, *, cursor: str | None = None, limit: int | None = None) -> tuple[list[Any], str | None]:
    """The caller's direct chats and discussion groups across all their spaces, newest
    activity first (keyset pages on ``(activity, id)``), in three queries whatever the page size.

    Each group carries ``unread`` (messages by others after the read marker), ``activity``
    (its last live message's time, else its creation), ``last`` (that message, with its
    author, or None) and, for a direct chat, ``other`` (the other person).
    """
    from django.db.models import DateTimeField

    from plaza.core.pagination import keyset_page

    marker = GroupMember.objects.filter(group=OuterRef("group"), user=user).values("last_read_message_id")[:1]
    unread = (
        Message.objects.filter(space_id=OuterRef("space_id"), group=OuterRef("pk"), deleted_at__isnull=True,
                               pk__gt=Subquery(marker))
        .exclude(author=user)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    live = Message.objects.filter(space_id=OuterRef("space_id"), group=OuterRef("pk"), deleted_at__isnull=True).order_by("-pk")
    qs = (
        Group.objects.filter(_in_my_spaces(user), members__user=user)
        .select_related("space")
        .annotate(
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
            last_message_id=Subquery(live.values("pk")[:1], output_field=IntegerField()),
            activity=Coalesce(Subquery(live.values("created")[:1], output_field=DateTimeField()), "created"),
        )
    )
    rows: list[Any]
    rows, next_cursor = keyset_page(qs, cursor=cursor, limit=limit, created_field="activity")
    last_ids = [g.last_message_id for g in rows if g.last_message_id]
    direct_ids = [g.pk for g in rows if g.is_direct]
    # One more query for both: the last messages (with authors) and the other person of
    # each direct chat, as GroupMember rows joined to their user.
    lasts = {m.pk: m for m in Message.objects.filter(pk__in=last_ids).select_related("author")} if last_ids else {}
    others = (
        {gm.group_id: gm.user for gm in GroupMember.objects.filter(group_id__in=direct_ids).exclude(user=user).select_related("user")}
        if direct_ids
        else {}
    )
    for g in rows:
        g.last = lasts.get(g.last_message_id or 0)
        g.other = others.get(g.pk)
    return rows, next_cursor


def count_unread_conversations(user: Any) -> int:
    """Unread messages by others over all the caller's conversations (one query)."""
    mine = GroupMember.objects.filter(user=user).filter(group__in=Group.objects.filter(_in_my_spaces(user)))
    return (
        Message.objects.filter(deleted_at__isnull=True, group__members__in=mine,
                               pk__gt=F("group__members__last_read_message_id"))
        .exclude(author=user)
        .count()
    )
