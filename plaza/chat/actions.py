"""Every write of discussion groups: create, rename, members, messages, read markers.

Each ``do_*`` runs in one transaction after validating its input. Live events go through
``core.realtime.publish_to_chat_group_on_commit`` to the group's members, scoped to the space and
the group so that a socket of someone removed meanwhile drops them; mentions notify through
``notifications.actions.notify``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.accounts.models import User
from plaza.chat.access import list_direct_chat_space_ids
from plaza.chat.models import (
    MAX_MEMBERS,
    MAX_MESSAGE,
    MAX_NAME,
    Attachment,
    Group,
    GroupKind,
    GroupMember,
    GroupRole,
    Message,
)
from plaza.chat.queries import list_member_ids
from plaza.core import markdown
from plaza.core.avatars import avatar_data
from plaza.core.errors import Conflict, Forbidden, Invalid, NotAuthenticated, NotFound
from plaza.core.realtime import access_changed_on_commit, chat_group, publish_to_chat_group_on_commit
from plaza.core.validation import check_text
from plaza.notifications.actions import notify
from plaza.search import actions as search
from plaza.spaces.access import SpaceAccess
from plaza.spaces.models import Membership
from plaza.uploads.actions import check_attachments as check_uploads

# --- checks -------------------------------------------------------------------------------


def check_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Give the group a name."), field="name")
    if len(name) > MAX_NAME:
        raise Invalid(_("At most %(n)d characters.") % {"n": MAX_NAME}, field="name")
    return name


def check_body(body: str | None, *, required: bool = True) -> str:
    return check_text(body, field="body", max_len=MAX_MESSAGE, required=required)


def check_space_people(acc: SpaceAccess, user_ids: list[int], *, field: str) -> list[int]:
    """``user_ids`` must all be members of ``acc.space`` (any role, guests too), else 422."""
    ids = list(dict.fromkeys(user_ids))
    if len(ids) > MAX_MEMBERS:
        raise Invalid(_("At most %(n)d members.") % {"n": MAX_MEMBERS}, field=field)
    found = set(Membership.objects.filter(space=acc.space, user_id__in=ids, user__is_active=True).values_list("user_id", flat=True))
    if len(found) != len(ids):
        raise Invalid(_("Choose people of this space."), field=field)
    return ids


def _require_user(acc: SpaceAccess) -> Any:
    if not getattr(acc.user, "is_authenticated", False):
        raise NotAuthenticated()
    return acc.user


# --- shaping of live events ---------------------------------------------------------------


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.name, "handle": user.handle, "avatar_url": user.avatar_url, "avatar": avatar_data(user, 32)}


def message_json(message: Message) -> dict[str, Any]:
    """A message as the API and the live events show it."""
    return {
        "id": message.pk,
        "group_id": message.group_id,
        "body": message.body,
        "html": message.html,
        "author": user_json(message.author),
        "created_at": message.created.isoformat(),
        "edited": message.edited_at is not None,
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "call_record": message.is_call_record,
        "attachments": message.attachment_data,
        "hidden": message.hidden_at is not None,
    }


def _publish(group: Group, event: dict[str, Any], *, exclude: set[int] | None = None) -> None:
    """One message to the sockets of the group's members (``core.realtime``), whatever its size."""
    publish_to_chat_group_on_commit(
        group.pk, group.space_id, {**event, "group_id": group.pk}, members=list_member_ids(group), exclude=exclude or ()
    )


def _render(group: Group, body: str, *, check: bool = True) -> tuple[str, list[User]]:
    """HTML and the mentioned people who are members of the group (nobody else is linked).
    ``check`` refuses a new body past the mention limit (an old body is only read)."""
    found = markdown.scan(body)
    if check:
        found.check(field="body")
    mentioned: list[User] = []
    if found.handles:
        wanted = {h.lower() for h in found.handles}
        members = list_member_ids(group)
        mentioned = list(
            User.objects.annotate(lhandle=Lower("handle")).filter(lhandle__in=wanted, pk__in=members, is_active=True)
        )
    html = markdown.render(body, mentions={u.handle.lower(): f"/u/{quote(u.handle)}/" for u in mentioned})
    return html, mentioned


# --- groups -------------------------------------------------------------------------------


@transaction.atomic
def do_create_group(acc: SpaceAccess, *, name: str, member_ids: list[int]) -> Group:
    """Create a group in ``acc.space`` with its creator and ``member_ids`` (people of the space).

    Full members and admins create groups; guests may be members but not create them.
    """
    user = _require_user(acc)
    if not acc.joined or not acc.is_member:
        raise Forbidden(_("Only members of the space create discussion groups."))
    name = check_name(name)
    ids = [i for i in check_space_people(acc, member_ids, field="member_ids") if i != user.pk]
    group = Group.objects.create(space=acc.space, name=name, created_by=user)
    GroupMember.objects.bulk_create(
        [GroupMember(space=acc.space, group=group, user=user, role=GroupRole.CREATOR)]
        + [GroupMember(space=acc.space, group=group, user_id=uid) for uid in ids]
    )
    # Open sockets learn of the new group before its first event reaches them.
    access_changed_on_commit([user.pk, *ids], join=[chat_group(group.pk)])
    _publish(group, {"type": "chat.group_changed"})
    return group


def direct_key(a: int, b: int) -> str:
    return f"{min(a, b)}:{max(a, b)}"


@transaction.atomic
def do_open_direct_chat(user: Any, *, user_id: int) -> tuple[Group, bool]:
    """The direct chat of ``user`` and ``user_id`` — the existing one, or a new one — and
    whether it was created.

    Only people who share a space (where ``user`` may know the other) chat directly; anyone
    else is 404. The chat lives in a shared space: an existing one in a space both are still
    in is returned (the most recently active), else a new one is made in the oldest shared
    space. So there is one direct chat per pair while they share its space; when one of them
    leaves it, the other keeps the history, and a new chat starts in another shared space.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if user_id == user.pk:
        raise Invalid(_("Choose someone other than yourself."), field="user_id")
    space_ids = list_direct_chat_space_ids(user, user_id)
    if not space_ids:
        raise NotFound()
    key = direct_key(user.pk, user_id)
    existing = (
        Group.objects.filter(kind=GroupKind.DIRECT, direct_key=key, space_id__in=space_ids)
        .annotate(last=Max("messages__pk"))
        .order_by(F("last").desc(nulls_last=True), "-pk")
        .first()
    )
    if existing is not None:
        return existing, False
    other = User.objects.get(pk=user_id)
    name = f"{user.name} · {other.name}"[:MAX_NAME]
    try:
        with transaction.atomic():
            group = Group.objects.create(space_id=space_ids[0], name=name, kind=GroupKind.DIRECT, direct_key=key,
                                         created_by=user)
    except IntegrityError:  # started by the other person at the same moment
        return Group.objects.get(space_id=space_ids[0], direct_key=key), False
    GroupMember.objects.bulk_create(
        [GroupMember(space_id=group.space_id, group=group, user_id=uid) for uid in (user.pk, user_id)]
    )
    access_changed_on_commit([user.pk, user_id], join=[chat_group(group.pk)])
    _publish(group, {"type": "chat.group_changed"})
    return group, True


@transaction.atomic
def do_rename_group(acc: SpaceAccess, group: Group, member: GroupMember, *, name: str) -> Group:
    if not member.manages or group.is_direct:
        raise Forbidden(_("Only the group's creator and admins rename it."))
    group.name = check_name(name)
    group.save(update_fields=["name"])
    _publish(group, {"type": "chat.group_changed"})
    return group


@transaction.atomic
def do_add_group_member(acc: SpaceAccess, group: Group, member: GroupMember, *, user_id: int, role: str = GroupRole.MEMBER) -> GroupMember:
    """Add a person of the space (the creator or a group admin). Idempotent."""
    if not member.manages or group.is_direct:
        raise Forbidden(_("Only the group's creator and admins add members."))
    if role not in (GroupRole.MEMBER, GroupRole.ADMIN):
        raise Invalid(_("Choose member or admin."), field="role")
    check_space_people(acc, [user_id], field="user_id")
    added, created = GroupMember.objects.get_or_create(
        space=acc.space, group=group, user_id=user_id, defaults={"role": role}
    )
    if created:
        access_changed_on_commit([user_id], join=[chat_group(group.pk)])
        _publish(group, {"type": "chat.group_changed"})
    return added


@transaction.atomic
def do_remove_group_member(acc: SpaceAccess, group: Group, member: GroupMember, *, user_id: int) -> None:
    """Remove someone (the creator or a group admin) or leave (yourself).

    Nobody removes the creator; when the creator leaves, the longest-standing remaining
    member becomes the creator so that someone still manages the group.
    """
    if group.is_direct:
        raise Forbidden(_("A direct chat always has its two people."))
    leaving = user_id == member.user_id
    target = member if leaving else GroupMember.objects.filter(space=acc.space, group=group, user_id=user_id).first()
    if target is None:
        if not member.manages:
            raise Forbidden(_("Only the group's creator and admins remove members."))
        raise NotFound()
    if not leaving:
        if not member.manages:
            raise Forbidden(_("Only the group's creator and admins remove members."))
        if target.role == GroupRole.CREATOR:
            raise Forbidden(_("The creator cannot be removed."))
    # Tell the others before the row goes: the leaver is no longer in the audience after.
    _publish(group, {"type": "chat.group_changed"}, exclude={target.user_id})
    target.delete()
    if target.role == GroupRole.CREATOR:
        rest = GroupMember.objects.filter(space=acc.space, group=group).order_by("created", "pk")
        heir = rest.filter(role=GroupRole.ADMIN).first() or rest.first()
        if heir is not None:
            heir.role = GroupRole.CREATOR
            heir.save(update_fields=["role"])
    # Their open sockets reload their groups and drop anything of this one from now on.
    access_changed_on_commit([target.user_id])


# --- messages -----------------------------------------------------------------------------


def _attach(message: Message, uploads: list[Any]) -> None:
    """Copy the author's uploads (feed attachments, checked by ``check_uploads``) onto the
    message: the copies belong to the group and are read by its members only."""
    rows = []
    for upload in uploads:
        with upload.file.open("rb") as handle:
            content = ContentFile(handle.read(), name=upload.file.name.rsplit("/", 1)[-1])
        rows.append(Attachment.objects.create(
            space_id=message.space_id, message=message, file=content, name=upload.name, size=upload.size,
            content_type=upload.content_type, is_image=upload.is_image,
        ))
    message.attachment_data = [a.summary() for a in rows]
    message.save(update_fields=["attachment_data"])


@transaction.atomic
def do_send_message(
    acc: SpaceAccess, group: Group, member: GroupMember, *, body: str, attachment_ids: list[int] | None = None
) -> Message:
    """Post a message (text, files or both); mentioned members are notified, every member's
    sockets get it."""
    user = _require_user(acc)
    if group.is_direct and len(list_member_ids(group)) < 2:
        # The other person left the space the chat lives in: the history stays readable
        # (as WeCom keeps a chat with someone who left the company), nothing more is sent.
        raise Conflict(_("This person is no longer in %(space)s.") % {"space": acc.space.name})
    uploads = check_uploads(user, attachment_ids)
    body = check_body(body, required=not uploads)
    html, mentioned = _render(group, body)
    message = Message.objects.create(space=acc.space, group=group, author=user, body=body, html=html)
    if uploads:
        _attach(message, uploads)
    # Your own message is read by definition.
    GroupMember.objects.filter(pk=member.pk).update(last_read_message_id=message.pk)
    search.index_message(message, group.name, new=True)
    if mentioned:
        notify(recipients=mentioned, kind="chat_mention", actor=user, space=acc.space, target_type="chat_message",
               target_id=message.pk, data={"group": group.name, "group_id": group.pk})
    _publish(group, {"type": "chat.message", "message": message_json(message)})
    return message


@transaction.atomic
def do_edit_message(acc: SpaceAccess, group: Group, message: Message, *, body: str) -> Message:
    """Change your own message's text; newly mentioned members are notified."""
    user = _require_user(acc)
    if message.author_id != user.pk or message.is_call_record:
        raise Forbidden(_("Only the author edits a message."))
    body = check_body(body, required=not message.attachment_data)
    if body == message.body:
        return message
    before = {u.pk for u in _render(group, message.body, check=False)[1]}
    html, mentioned = _render(group, body)
    message.body, message.html, message.edited_at = body, html, timezone.now()
    message.save(update_fields=["body", "html", "edited_at"])
    search.index_message(message, group.name)
    new = [u for u in mentioned if u.pk not in before]
    if new:
        notify(recipients=new, kind="chat_mention", actor=user, space=acc.space, target_type="chat_message",
               target_id=message.pk, data={"group": group.name, "group_id": group.pk})
    if message.hidden_at is not None:
        # Hidden by moderators: only its author (and the space's admins, on their pages) sees it.
        _publish(group, {"type": "chat.message_edited", "message": message_json(message)},
                 exclude=list_member_ids(group) - {user.pk})
    else:
        _publish(group, {"type": "chat.message_edited", "message": message_json(message)})
    return message


@transaction.atomic
def do_delete_message(acc: SpaceAccess, group: Group, message: Message) -> None:
    """Delete your own message: its text is dropped, and open pages remove it."""
    user = _require_user(acc)
    if message.is_call_record or not (message.author_id == user.pk or acc.is_admin):
        raise Forbidden(_("Only the author deletes a message."))
    Message.objects.filter(pk=message.pk).update(deleted_at=timezone.now(), body="", html="", attachment_data=[])
    search.unindex(search.Kind.MESSAGE, message.pk)
    for attachment in Attachment.objects.filter(space_id=message.space_id, message=message):
        attachment.file.delete(save=False)
        attachment.delete()
    _publish(group, {"type": "chat.message_deleted", "message_id": message.pk})


@transaction.atomic
def do_mark_read(member: GroupMember, *, message_id: int) -> GroupMember:
    """Move the read marker forward to ``message_id`` (a message of the group; never back)."""
    exists = Message.objects.filter(space_id=member.space_id, group_id=member.group_id, pk=message_id).exists()
    if not exists:
        raise Invalid(_("No such message in this group."), field="message_id")
    if message_id > member.last_read_message_id:
        GroupMember.objects.filter(pk=member.pk, last_read_message_id__lt=message_id).update(last_read_message_id=message_id)
        member.last_read_message_id = message_id
    return member


@transaction.atomic
def do_post_call_record(group: Group, *, author: Any, body: str) -> Message:
    """A record of a finished call, posted in its group on behalf of whoever started it."""
    html = markdown.render(body)
    message = Message.objects.create(space_id=group.space_id, group=group, author=author, body=body, html=html,
                                     is_call_record=True)
    _publish(group, {"type": "chat.message", "message": message_json(message)})
    return message



@transaction.atomic
def do_set_message_hidden(acc: SpaceAccess, message: Message, *, hidden: bool) -> None:
    """Hide a message for moderation (space admins), or show it again. Hidden, it leaves the
    open pages of everyone but its author at once (``chat.message_deleted``); shown again,
    it comes back to them as a new message."""
    if not acc.is_admin:
        raise Forbidden()
    if (message.hidden_at is not None) == hidden:
        return
    message.hidden_at = timezone.now() if hidden else None
    Message.objects.filter(pk=message.pk).update(hidden_at=message.hidden_at)
    group = message.group
    others = list_member_ids(group) - {message.author_id}
    # The author's pages show the "hidden by moderators" mark come and go.
    _publish(group, {"type": "chat.message_edited", "message": message_json(message)}, exclude=others)
    if hidden:
        _publish(group, {"type": "chat.message_deleted", "message_id": message.pk}, exclude={message.author_id})
    else:
        _publish(group, {"type": "chat.message", "message": message_json(message)}, exclude={message.author_id})
