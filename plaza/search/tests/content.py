"""Content of every searchable kind, written through the apps' actions, for search tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from plaza.accounts.models import User
from plaza.announcements.actions import do_publish_announcement
from plaza.blogs.actions import do_create_blog
from plaza.cases.actions import do_create_case_type, do_submit_case
from plaza.chat.actions import do_create_group, do_send_message
from plaza.chat.models import GroupMember
from plaza.core.testing import make_user
from plaza.events.actions import do_create_event
from plaza.feed.actions import do_comment, do_publish_post
from plaza.mail.actions import do_send_mail
from plaza.polls.actions import do_create_poll
from plaza.showcase.actions import do_create_exhibitor, do_create_product
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_update_space
from plaza.spaces.models import Membership, Role, Space

EVERY_KIND = {
    "post",
    "comment",
    "blog",
    "announcement",
    "event",
    "poll",
    "product",
    "case",
    "mail",
    "message",
    "user",
    "space",
    "topic",
}


def fill_space(owner: User, space: Space, word: str) -> dict[str, Any]:
    """One thing of every kind in ``space``, each carrying ``word``; ``owner`` administers it.

    A member named after ``word`` is added (the ``user`` kind) and receives the mail.
    """
    member = make_user(f"{word}-member", name=f"{word.title()} Wang")
    Membership.objects.create(space=space, user=member, role=Role.MEMBER)
    acc = space_access_for(owner, space)
    do_update_space(acc, description=f"The {word} space")
    post = do_publish_post(acc, body=f"{word} post about #{word}topic")
    comment = do_comment(acc, post, body=f"{word} comment")
    blog = do_create_blog(acc, title=f"{word} blog", body="Long form", status="published")
    announcement = do_publish_announcement(acc, title=f"{word} notice", body="Read me")
    now = timezone.now()
    event = do_create_event(
        acc, title=f"{word} event", starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2)
    )
    poll = do_create_poll(acc, question=f"{word} poll?", options=[{"text": "Yes"}, {"text": "No"}])
    exhibitor = do_create_exhibitor(acc, name=f"{word} winery")
    product = do_create_product(acc, exhibitor, name=f"{word} red", category="Wine", status="published")
    case_type = do_create_case_type(
        acc, name="Check", fields=[{"key": "what", "label": "What", "type": "text", "required": True}], outcomes=["ok"]
    )
    case, _code = do_submit_case(acc, case_type, values={"what": f"{word} bottle"})
    mail = do_send_mail(owner, to=[member.pk], subject=f"{word} mail", body="Hello")
    group = do_create_group(acc, name="Chat", member_ids=[member.pk])
    me = GroupMember.objects.get(group=group, user=owner)
    message = do_send_message(acc, group, me, body=f"{word} message")
    return {
        "post": post,
        "comment": comment,
        "blog": blog,
        "announcement": announcement,
        "event": event,
        "poll": poll,
        "product": product,
        "case": case,
        "mail": mail,
        "message": message,
        "member": member,
        "group": group,
    }
