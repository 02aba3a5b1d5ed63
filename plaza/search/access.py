"""Who may see a search result: decided when the query runs, by each app's own rules.

Nothing about access is stored in the index. :func:`visible_documents_q` joins each kind of
document back to its thing and asks the app's ``access`` condition for it (the same
conditions the feeds, pages, notifications and sockets use), so removal from a space or a
team, a delete, a recall or a draft takes effect on the next search.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext

from plaza.announcements.access import visible_announcements_q
from plaza.announcements.models import Announcement
from plaza.blogs.access import visible_blogs_q
from plaza.blogs.models import Blog
from plaza.cases.access import reviewable_cases_q
from plaza.cases.models import Case
from plaza.chat.access import visible_messages_q
from plaza.chat.models import Message as ChatMessage
from plaza.events.access import openable_events_q
from plaza.events.models import Event
from plaza.feed.access import share_people_q
from plaza.feed.models import Comment, Post, PostTopic
from plaza.mail.access import readable_mail_q
from plaza.mail.models import Message as MailMessage
from plaza.polls.models import Poll
from plaza.search.models import Kind
from plaza.showcase.access import visible_products_q
from plaza.showcase.models import Product
from plaza.spaces.access import knowable_spaces_q, unhidden_visible_q, visible_q
from plaza.spaces.models import Space


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _exists(model: Any, condition: Q, **extra: Any) -> Exists:
    return Exists(model.objects.filter(condition, pk=OuterRef("object_id"), **extra))


def kind_conditions(user: Any) -> dict[str, Any]:
    """For each kind, the condition (on Document) that its thing is one ``user`` may open now.

    Kinds a signed-out visitor can never see (mail, messages, cases, people, announcements)
    are left out for them rather than asked.
    """
    conditions: dict[str, Any] = {
        # Hidden by moderators: only the space's admins and the author find it.
        Kind.POST: _exists(Post, visible_q(user) & unhidden_visible_q(user), deleted=False),
        Kind.COMMENT: _exists(
            Comment,
            visible_q(user, space_field="post__space", team_field="post__team")
            & unhidden_visible_q(user)
            & unhidden_visible_q(user, space_field="post__space", author_field="post__author", hidden_field="post__hidden_at"),
            post__deleted=False,
        ),
        Kind.BLOG: _exists(Blog, visible_blogs_q(user)),
        Kind.EVENT: _exists(Event, openable_events_q(user)),
        # Polls have a post's audience: polls.access.list_visible_poll_ids asks the same.
        Kind.POLL: _exists(Poll, visible_q(user) & unhidden_visible_q(user)),
        Kind.PRODUCT: _exists(Product, visible_products_q(user)),
        Kind.SPACE: _exists(Space, knowable_spaces_q(user)),
        # A topic is known to whoever sees a live post carrying it.
        Kind.TOPIC: Exists(
            PostTopic.objects.filter(
                visible_q(user, space_field="post__space", team_field="post__team"),
                unhidden_visible_q(user, space_field="post__space", author_field="post__author", hidden_field="post__hidden_at"),
                topic_id=OuterRef("object_id"),
                post__deleted=False,
            )
        ),
    }
    if _authenticated(user):
        from plaza.accounts.models import User

        conditions.update(
            {
                Kind.ANNOUNCEMENT: _exists(Announcement, visible_announcements_q(user), status="published"),
                Kind.CASE: _exists(Case, reviewable_cases_q(user)),
                Kind.MAIL: _exists(MailMessage, readable_mail_q(user)),
                Kind.MESSAGE: _exists(ChatMessage, visible_messages_q(user)),
                Kind.USER: _exists(User, share_people_q(user), is_active=True),
            }
        )
    return conditions


# Kinds whose things may be seen from outside their own space: a product syndicated into
# another space's catalogue, and the things without a space.
_BEYOND_THEIR_SPACE = [Kind.PRODUCT, Kind.SPACE, Kind.USER, Kind.MAIL]


def knowable_documents_q(user: Any) -> Q:
    """A necessary condition that costs one comparison per document: every rule of
    :func:`kind_conditions` needs the thing's space to be one ``user`` may know exists
    (``spaces.access.knowable_spaces_q``), except for the kinds seen beyond their space.
    Most matches of a common word are in other people's spaces; they are dropped before any
    rule's subqueries run."""
    knowable = Space.objects.filter(knowable_spaces_q(user)).values("pk")
    return Q(kind__in=_BEYOND_THEIR_SPACE) | Q(space_id__in=knowable)


def visible_documents_q(user: Any, kinds: list[str] | None = None) -> Q:
    """The documents ``user`` may open now (of ``kinds``, default every kind), one condition:
    :func:`knowable_documents_q` first, then each kind's own rule."""
    result = Q(pk__in=[])
    for kind, condition in kind_conditions(user).items():
        if kinds is None or kind in kinds:
            result |= Q(kind=kind) & Q(condition)
    return knowable_documents_q(user) & result


# The condition above is a dozen subqueries deep: compiling it with the ORM cost ~20 ms of
# CPU per search (measured with ``plaza bench``, G9), running it well under one. It is
# compiled once per shape for a stand-in person and the stand-in's id is swapped for the
# searcher's: the rules are still the apps' own functions, asked once per process.
_STAND_IN = 7_000_000_000_007
USER = object()  # in a compiled condition's parameters: the searcher's id goes here


def _stand_in_user() -> Any:
    from plaza.accounts.models import User

    return User(pk=_STAND_IN)


@functools.lru_cache(maxsize=64)
def compiled_condition(
    vendor: str, authenticated: bool, kinds: tuple[str, ...] | None, *, necessary_only: bool = False
) -> tuple[str, tuple[Any, ...]] | None:
    """:func:`visible_documents_q` (or only :func:`knowable_documents_q`) as SQL on
    ``search_document``, for anyone signed in (or anyone signed out): its parameters hold
    :data:`USER` where the searcher's id goes. None when it cannot be reused: a rule read
    the database while being built, so it depends on the person (then use the Q itself)."""
    from django.contrib.auth.models import AnonymousUser

    from plaza.search.models import Document

    user = _stand_in_user() if authenticated else AnonymousUser()
    with CaptureQueriesContext(connection) as ran:
        condition = knowable_documents_q(user) if necessary_only else visible_documents_q(user, list(kinds) if kinds else None)
        query = Document.objects.filter(condition).query
        sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    if len(ran):
        return None
    return sql, tuple(USER if p == _STAND_IN else p for p in params)


def fill(params: tuple[Any, ...], user: Any) -> list[Any]:
    """A compiled condition's parameters with the searcher's id put in."""
    pk = user.pk if _authenticated(user) else None
    return [pk if p is USER else p for p in params]
