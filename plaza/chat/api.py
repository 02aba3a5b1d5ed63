"""Discussion groups API (API.md, groups). Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from plaza.chat import actions, queries, schemas
from plaza.chat.access import access_group_by_id, access_message
from plaza.chat.models import Group, GroupMember
from plaza.core.schemas import Int64, errors
from plaza.spaces.access import access_space

PREVIEW = 120

router = Router(tags=["groups"])


def group_out(group: Group, member: GroupMember) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "kind": group.kind,
        "space": group.space.slug,
        "members": [{"user": m.user, "role": m.role} for m in queries.current_members(group)],
        "my_role": member.role,
        "unread": queries.count_unread(member),
        "created_at": group.created,
    }


def summary_out(group: Group) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "my_role": group.my_role,
        "unread": group.unread,
        "member_count": group.member_count or 0,
        "last_message_id": group.last_message_id or None,
        "created_at": group.created,
    }


def conversation_out(group: Group) -> dict[str, Any]:
    """One row of the inbox (``queries.list_conversations``)."""
    last = group.last
    return {
        "id": group.pk,
        "kind": group.kind,
        "name": group.other.name if group.is_direct and group.other else group.name,
        "other": group.other if group.is_direct else None,
        "space": {"slug": group.space.slug, "name": group.space.name},
        "unread": group.unread,
        "last_message": None if last is None else {
            "id": last.pk, "author": last.author, "preview": last.body[:PREVIEW], "created_at": last.created,
            "call_record": last.is_call_record, "attachment_count": len(last.attachment_data),
        },
        "activity_at": group.activity,
        "url": f"/groups/{group.pk}/",
    }


@router.get("/conversations", response={200: schemas.ConversationList, **errors(401, 422)})
def conversations(request: HttpRequest, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """My direct chats and discussion groups across all my spaces, newest activity first."""
    rows, next_cursor = queries.list_conversations(request.auth, cursor=cursor, limit=limit)
    return {"items": [conversation_out(g) for g in rows], "next_cursor": next_cursor}


@router.post("/direct-chats", response={200: schemas.GroupOut, 201: schemas.GroupOut, **errors(401, 404, 422)})
def open_direct_chat(request: HttpRequest, payload: schemas.DirectChatIn) -> Status:
    """The direct chat with someone who shares a space with you: 201 when it was started
    now, 200 when it existed (one per pair). Anyone else is 404."""
    group, created = actions.do_open_direct_chat(request.auth, user_id=payload.user_id)
    _acc, group, member = access_group_by_id(request.auth, group.pk)
    return Status(201 if created else 200, group_out(group, member))


@router.post("/spaces/{slug}/groups", response={201: schemas.GroupOut, **errors(401, 403, 404, 422)})
def create_group(request: HttpRequest, slug: str, payload: schemas.GroupIn) -> Status:
    acc = access_space(request.auth, slug)
    group = actions.do_create_group(acc, name=payload.name, member_ids=payload.member_ids)
    _acc, group, member = access_group_by_id(request.auth, group.pk)
    return Status(201, group_out(group, member))


@router.get("/spaces/{slug}/groups", response={200: schemas.GroupList, **errors(401, 404)})
def list_groups(request: HttpRequest, slug: str) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role="guest")
    return {"items": [summary_out(g) for g in queries.list_groups(acc)], "next_cursor": None}


@router.get("/groups/{int:group_id}", response={200: schemas.GroupOut, **errors(401, 404)})
def get_group(request: HttpRequest, group_id: int) -> dict[str, Any]:
    _acc, group, member = access_group_by_id(request.auth, group_id)
    return group_out(group, member)


@router.patch("/groups/{int:group_id}", response={200: schemas.GroupOut, **errors(401, 403, 404, 422)})
def rename_group(request: HttpRequest, group_id: int, payload: schemas.GroupPatch) -> dict[str, Any]:
    acc, group, member = access_group_by_id(request.auth, group_id)
    actions.do_rename_group(acc, group, member, name=payload.name)
    return group_out(group, member)


@router.post("/groups/{int:group_id}/members", response={201: schemas.GroupOut, **errors(401, 403, 404, 422)})
def add_member(request: HttpRequest, group_id: int, payload: schemas.GroupMemberIn) -> Status:
    acc, group, member = access_group_by_id(request.auth, group_id)
    actions.do_add_group_member(acc, group, member, user_id=payload.user_id, role=payload.role)
    return Status(201, group_out(group, member))


@router.delete("/groups/{int:group_id}/members/{int:user_id}", response={204: None, **errors(401, 403, 404)})
def remove_member(request: HttpRequest, group_id: int, user_id: int) -> Status:
    acc, group, member = access_group_by_id(request.auth, group_id)
    actions.do_remove_group_member(acc, group, member, user_id=user_id)
    return Status(204, None)


@router.post("/groups/{int:group_id}/messages", response={201: schemas.MessageOut, **errors(401, 404, 409, 422)})
def send_message(request: HttpRequest, group_id: int, payload: schemas.MessageIn) -> Status:
    acc, group, member = access_group_by_id(request.auth, group_id)
    message = actions.do_send_message(acc, group, member, body=payload.body, attachment_ids=payload.attachment_ids)
    return Status(201, actions.message_json(message))


@router.get("/groups/{int:group_id}/messages", response={200: schemas.MessageList, **errors(401, 404, 422)})
def history(request: HttpRequest, group_id: int, before: Int64 | None = None, limit: int | None = None) -> dict[str, Any]:
    acc, group, _member = access_group_by_id(request.auth, group_id)
    rows, next_cursor = queries.list_messages(group, acc=acc, before=before, limit=limit)
    return {"items": [actions.message_json(m) for m in rows], "next_cursor": next_cursor}


@router.patch(
    "/groups/{int:group_id}/messages/{int:message_id}", response={200: schemas.MessageOut, **errors(401, 403, 404, 422)}
)
def edit_message(request: HttpRequest, group_id: int, message_id: int, payload: schemas.MessagePatch) -> dict[str, Any]:
    acc, group, _member = access_group_by_id(request.auth, group_id)
    message = access_message(group, message_id, user=acc.user, for_write=True)
    return actions.message_json(actions.do_edit_message(acc, group, message, body=payload.body))


@router.delete("/groups/{int:group_id}/messages/{int:message_id}", response={204: None, **errors(401, 403, 404)})
def delete_message(request: HttpRequest, group_id: int, message_id: int) -> Status:
    acc, group, _member = access_group_by_id(request.auth, group_id)
    message = access_message(group, message_id, user=acc.user, for_write=True)
    actions.do_delete_message(acc, group, message)
    return Status(204, None)


@router.post("/groups/{int:group_id}/read", response={200: schemas.GroupReadOut, **errors(401, 404, 422)})
def mark_read(request: HttpRequest, group_id: int, payload: schemas.GroupReadIn) -> dict[str, Any]:
    _acc, _group, member = access_group_by_id(request.auth, group_id)
    member = actions.do_mark_read(member, message_id=payload.message_id)
    return {"last_read_message_id": member.last_read_message_id, "unread": queries.count_unread(member)}
