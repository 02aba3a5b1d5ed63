"""Reads of the two home pages. Each runs a fixed number of queries whatever it holds.

Everything shown goes through the apps' own visibility rules (``visible_q`` and each app's
``visible_*_q``/``space_*_q``), and only from spaces where the app is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from plaza.announcements.access import visible_announcements_q
from plaza.announcements.models import Announcement, AnnouncementRecipient, AnnouncementStatus
from plaza.announcements.queries import announcement_queryset
from plaza.blogs.models import Blog, BlogStatus
from plaza.blogs.queries import blog_queryset
from plaza.cases.queries import list_case_types
from plaza.core.errors import Invalid
from plaza.events.access import space_events_q, visible_events_q
from plaza.events.models import Event, EventState
from plaza.events.queries import events_queryset, list_my_events
from plaza.feed.models import Post
from plaza.feed.queries import feed_queryset
from plaza.polls.models import Poll, PollStatus
from plaza.showcase.access import can_see_catalogue
from plaza.showcase.queries import catalogue
from plaza.spaces.access import SpaceAccess, app_enabled, scope_q, visible_q
from plaza.spaces.models import Membership, Space, Visibility

STREAM_SIZE = 20


@dataclass
class StreamItem:
    """One entry of the home stream: a post, or a card for an announcement, an event, a poll
    or a blog, at the time it was published."""

    kind: str  # post | announcement | event | poll | blog
    at: datetime
    obj: Any


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def list_my_spaces(user: Any) -> list[Space]:
    """The spaces ``user`` belongs to (any role), by name. One query."""
    rows = Membership.objects.filter(user=user).select_related("space").order_by("space__name", "space_id")
    return [m.space for m in rows]


def _ids_with(spaces: list[Space], app: str) -> list[int]:
    return [s.pk for s in spaces if app_enabled(s, app)]


def parse_before(value: str | None) -> datetime | None:
    """The stream's cursor: the time of the last item shown (ISO 8601)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value[:40])
    except ValueError as exc:
        raise Invalid("Not a valid cursor.", field="before") from exc
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, timezone.get_current_timezone())


def list_home_stream(user: Any, spaces: list[Space], *, before: datetime | None = None, size: int = STREAM_SIZE) -> tuple[list[StreamItem], datetime | None]:
    """The newest posts, announcements, events, polls and blogs of ``spaces`` (the caller's)
    that ``user`` may see, merged newest first; and the cursor of the next page (None at the
    end). One query per kind (posts: three, with their topics and mentions)."""

    def older(field: str) -> Q:
        return Q(**{f"{field}__lt": before}) if before is not None else Q()

    items: list[StreamItem] = []
    posts = (
        feed_queryset(user)
        .filter(space_id__in=_ids_with(spaces, "feed"))
        .filter(visible_q(user))
        .filter(blog__isnull=True)  # a blog's announcing post: the blog's own card stands for it
        .filter(older("created"))
        .order_by("-created", "-pk")[: size + 1]
    )
    items += [StreamItem("post", p.created, p) for p in posts]
    announcements = (
        announcement_queryset(user)
        .filter(visible_announcements_q(user), status=AnnouncementStatus.PUBLISHED, space_id__in=_ids_with(spaces, "announcements"))
        .filter(older("created"))
        .order_by("-created", "-pk")[: size + 1]
    )
    items += [StreamItem("announcement", a.created, a) for a in announcements]
    events = (
        events_queryset(user)
        .filter(visible_events_q(user), space_id__in=_ids_with(spaces, "events"))
        .filter(older("created"))
        .order_by("-created", "-pk")[: size + 1]
    )
    items += [StreamItem("event", e.created, e) for e in events]
    polls = (
        Poll.objects.select_related("space", "team", "author")
        .filter(visible_q(user), space_id__in=_ids_with(spaces, "polls"))
        .filter(older("created"))
        .order_by("-created", "-pk")[: size + 1]
    )
    items += [StreamItem("poll", p.created, p) for p in polls]
    blogs = (
        blog_queryset()
        .filter(visible_q(user), status=BlogStatus.PUBLISHED, space_id__in=_ids_with(spaces, "blogs"))
        .filter(older("published_at"))
        .order_by("-published_at", "-pk")[: size + 1]
    )
    items += [StreamItem("blog", b.published_at or b.created, b) for b in blogs]
    items.sort(key=lambda item: (item.at, item.obj.pk), reverse=True)
    page = items[:size]
    more = len(items) > size
    return page, (page[-1].at if more and page else None)


def list_waiting_acknowledgement(user: Any, spaces: list[Space], *, limit: int = 10) -> list[Announcement]:
    """Published announcements addressed to ``user`` that ask for an acknowledgement not given
    yet, in spaces where announcements are on; newest first. One query."""
    waiting = AnnouncementRecipient.objects.filter(
        user=user, acknowledged_at__isnull=True, announcement__require_ack=True
    ).values("announcement_id")
    return list(
        Announcement.objects.select_related("space")
        .filter(visible_announcements_q(user), pk__in=waiting, status=AnnouncementStatus.PUBLISHED)
        .filter(space_id__in=_ids_with(spaces, "announcements"))
        .order_by("-created", "-pk")[:limit]
    )


def list_next_events(user: Any, spaces: list[Space], *, limit: int = 5) -> list[Event]:
    """My next events (``events.queries.list_my_events``: going, maybe, my teams', mine) in the
    coming 60 days, in spaces where events are on. One query."""
    on = set(_ids_with(spaces, "events"))
    now = timezone.now()
    rows = list_my_events(user, start=now, end=now + timedelta(days=60), limit=limit * 3)
    return [e for e in rows if e.space_id in on][:limit]


# --- one space's home ---------------------------------------------------------------------


def _readable(acc: SpaceAccess) -> bool:
    """Members read a space's content; visitors only a public space's."""
    return bool(acc.role) or acc.space.visibility == Visibility.PUBLIC


def list_upcoming_events(acc: SpaceAccess, *, limit: int = 5) -> list[Event]:
    if not app_enabled(acc.space, "events") or not _readable(acc):
        return []
    now = timezone.now()
    return list(
        events_queryset(acc.user)
        .filter(space_events_q(acc), state=EventState.SCHEDULED, ends_at__gt=now)
        .order_by("starts_at", "pk")[:limit]
    )


def list_open_polls(acc: SpaceAccess, *, limit: int = 5) -> list[Poll]:
    if not app_enabled(acc.space, "polls") or not _readable(acc):
        return []
    now = timezone.now()
    return list(
        Poll.objects.select_related("author", "team")
        .filter(scope_q(acc), status=PollStatus.OPEN)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("-created", "-pk")[:limit]
    )


def list_latest_posts(acc: SpaceAccess, *, limit: int = 5) -> list[Post]:
    if not app_enabled(acc.space, "feed") or not _readable(acc):
        return []
    return list(feed_queryset(acc.user).filter(scope_q(acc), blog__isnull=True).order_by("-created", "-pk")[:limit])


def list_latest_blogs(acc: SpaceAccess, *, limit: int = 4) -> list[Blog]:
    if not app_enabled(acc.space, "blogs") or not _readable(acc):
        return []
    return list(blog_queryset().filter(scope_q(acc), status=BlogStatus.PUBLISHED).order_by("-published_at", "-pk")[:limit])


def list_new_members(acc: SpaceAccess, *, limit: int = 8) -> list[Membership]:
    """The newest members; only for full members (guests and visitors may not browse people)."""
    if not acc.is_member:
        return []
    return list(Membership.objects.filter(space=acc.space).select_related("user").order_by("-created", "-pk")[:limit])


def list_showcase_products(acc: SpaceAccess, *, limit: int = 6) -> list[Any]:
    if not app_enabled(acc.space, "showcase") or not can_see_catalogue(acc):
        return []
    return list(catalogue(acc).order_by("-pk")[:limit])


def list_case_desk_types(acc: SpaceAccess) -> list[Any]:
    if not app_enabled(acc.space, "cases"):
        return []
    return list(list_case_types(acc)[:10])
