"""Objects the authorization matrix (core/tests/test_authz_matrix.py) points the routes of
groups, calls and mail at. Each is made by alice in acme and involves bob, never gina."""

from __future__ import annotations

from typing import Any

from plaza.spaces.access import space_access_for


def _group(f: Any):
    from plaza.chat.actions import do_create_group

    return do_create_group(space_access_for(f.world.alice.user, f.world.acme), name="Plans", member_ids=[f.world.bob.user.pk])


def acme_group(f: Any) -> dict[str, Any]:
    """A group of alice (creator) and bob: gina, in acme but not in it, must not know it."""
    return {"group_id": _group(f).pk}


def acme_group_bob(f: Any) -> dict[str, Any]:
    return {"group_id": _group(f).pk, "user_id": f.world.bob.user.pk}


def acme_group_message(f: Any) -> dict[str, Any]:
    """A message of bob in alice's group: only bob edits or deletes it."""
    from plaza.chat.access import access_group_by_id
    from plaza.chat.actions import do_send_message

    group = _group(f)
    acc, group, member = access_group_by_id(f.world.bob.user, group.pk)
    message = do_send_message(acc, group, member, body="Hello")
    return {"group_id": group.pk, "message_id": message.pk}


def latest_message(f: Any) -> dict[str, Any]:
    """The body of a read marker: the newest message (made by the params just before)."""
    from plaza.chat.models import Message

    return {"message_id": Message.objects.latest("pk").pk}


def acme_call(f: Any) -> dict[str, Any]:
    """A call alice started with bob in acme."""
    from plaza.calls.actions import do_start_call

    call = do_start_call(space_access_for(f.world.alice.user, f.world.acme), participant_ids=[f.world.bob.user.pk])
    return {"call_id": call.pk}


def mail_to_bob(f: Any) -> dict[str, Any]:
    """A mail from alice to bob."""
    from plaza.mail.actions import do_send_mail

    message = do_send_mail(f.world.alice.user, to=[f.world.bob.user.pk], subject="Hi", body="Hello bob")
    return {"message_id": message.pk}


def mail_thread_to_bob(f: Any) -> dict[str, Any]:
    return {"thread_id": mail_to_bob(f)["message_id"]}


def acme_newcomer(f: Any) -> dict[str, Any]:
    """The body of a direct chat request: carol, a plain member of acme in no team."""
    from plaza.core.testing import make_user
    from plaza.spaces.models import Membership

    carol = make_user("carol")
    Membership.objects.create(space=f.world.acme, user=carol, role="member")
    return {"user_id": carol.pk}
