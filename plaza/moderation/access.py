"""Who may report what, and who moderates: the reportable things and their owning apps.

A person reports a thing they can see: each kind is reached through its own app's ``access``
(so whatever hides a thing from them — another space, a private team, a hidden item — is a
404 here too). The space's admins (and those of a space above) moderate its reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from plaza.core.errors import Forbidden, Invalid, NotAuthenticated, NotFound
from plaza.moderation.models import Report, ReportKind
from plaza.spaces.access import SpaceAccess, can_see_hidden, space_access_for


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class Thing:
    """One reported thing as moderation sees it, whatever its kind."""

    kind: str
    obj: Any
    space_id: int
    author_id: int | None
    owner_ids: frozenset[int]  # who may not report it (its author; a product's managers)
    excerpt: str
    url: str

    @property
    def hidden(self) -> bool:
        return getattr(self.obj, "hidden_at", None) is not None


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _post(user: Any, pk: int) -> tuple[SpaceAccess, Any]:
    from plaza.feed.access import access_post

    return access_post(user, pk)


def _comment(user: Any, pk: int) -> tuple[SpaceAccess, Any]:
    from plaza.feed.access import access_post
    from plaza.feed.models import Comment

    comment = Comment.objects.select_related("author").filter(pk=pk).first()
    if comment is None:
        raise NotFound()
    acc, post = access_post(user, comment.post_id)
    if not can_see_hidden(acc, comment.hidden_at, comment.author_id):
        raise NotFound()
    comment.post = post
    return acc, comment


def _blog(user: Any, pk: int) -> tuple[SpaceAccess, Any]:
    from plaza.blogs.access import access_blog

    return access_blog(user, pk)


def _message(user: Any, pk: int) -> tuple[SpaceAccess, Any]:
    from plaza.chat.access import access_group_by_id, access_message
    from plaza.chat.models import Message

    found = Message.objects.filter(pk=pk, deleted_at__isnull=True).values_list("group_id", flat=True).first()
    if found is None:
        raise NotFound()
    acc, group, _member = access_group_by_id(user, found)
    message = access_message(group, pk, user=user)
    message.group = group
    return acc, message


def _product(user: Any, pk: int) -> tuple[SpaceAccess, Any]:
    from plaza.showcase.access import access_product

    acc, product, _manager = access_product(user, pk)
    if acc.space.pk != product.space_id:  # seen through a syndication: its own space moderates it
        acc = space_access_for(user, product.space) if _authenticated(user) else acc
    return acc, product


def _event(user: Any, pk: int) -> tuple[SpaceAccess, Any]:
    from plaza.events.access import access_event

    return access_event(user, pk)


def _poll(user: Any, pk: int) -> tuple[SpaceAccess, Any]:
    from plaza.polls.access import access_poll

    return access_poll(user, pk)


REACH: dict[str, Callable[[Any, int], tuple[SpaceAccess, Any]]] = {
    ReportKind.POST: _post,
    ReportKind.COMMENT: _comment,
    ReportKind.BLOG: _blog,
    ReportKind.MESSAGE: _message,
    ReportKind.PRODUCT: _product,
    ReportKind.EVENT: _event,
    ReportKind.POLL: _poll,
}


# Per kind: (the author's field, the text of the excerpt, the address); products differ (below).
_SHAPES: dict[str, tuple[str, str, str]] = {
    ReportKind.POST: ("author_id", "body", "/p/{o.pk}/"),
    ReportKind.COMMENT: ("author_id", "body", "/p/{o.post_id}/#comment-{o.pk}"),
    ReportKind.BLOG: ("author_id", "title", "/b/{o.pk}/"),
    ReportKind.MESSAGE: ("author_id", "body", "/groups/{o.group_id}/#message-{o.pk}"),
    ReportKind.EVENT: ("organiser_id", "title", "/events/{o.pk}/"),
    ReportKind.POLL: ("author_id", "question", "/polls/{o.pk}/"),
}


def thing_of(kind: str, obj: Any) -> Thing:
    """``obj`` (of ``kind``) as a :class:`Thing`."""
    if kind == ReportKind.PRODUCT:
        managers = frozenset(obj.exhibitor.managers.values_list("pk", flat=True))
        return Thing(kind, obj, obj.space_id, obj.exhibitor.created_by_id, managers, _excerpt(obj.name), f"/products/{obj.pk}/")
    if kind not in _SHAPES:
        raise NotFound()
    author_field, text_field, url = _SHAPES[kind]
    author_id = getattr(obj, author_field)
    owners = frozenset({author_id}) if author_id else frozenset()  # a poll's author may be gone
    return Thing(kind, obj, obj.space_id, author_id, owners, _excerpt(getattr(obj, text_field)), url.format(o=obj))


def access_thing(user: Any, kind: str, pk: int) -> tuple[SpaceAccess, Thing]:
    """A thing the caller may see, to report it, with the caller's access to its own space.

    401 signed out; 422 naming ``type`` for an unknown kind; 404 when the thing is missing or the caller may not
    see it (each app's own ``access`` decides).
    """
    if not _authenticated(user):
        raise NotAuthenticated()
    reach = REACH.get(kind)
    if reach is None:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(ReportKind.values)}, field="type")
    acc, obj = reach(user, pk)
    return acc, thing_of(kind, obj)


def find_thing(space_id: int, kind: str, pk: int) -> Thing | None:
    """The thing a report of ``space_id`` names, hidden or not (for its moderators), or None
    when it is gone."""
    model = model_of(kind)
    qs = model.objects.filter(space_id=space_id, pk=pk)
    if kind == ReportKind.POST:
        qs = qs.filter(deleted=False)
    elif kind == ReportKind.MESSAGE:
        qs = qs.filter(deleted_at__isnull=True).select_related("group")
    elif kind == ReportKind.PRODUCT:
        qs = qs.select_related("exhibitor")
    obj = qs.first()
    return thing_of(kind, obj) if obj is not None else None


def model_of(kind: str) -> Any:
    from plaza.blogs.models import Blog
    from plaza.chat.models import Message
    from plaza.events.models import Event
    from plaza.feed.models import Comment, Post
    from plaza.polls.models import Poll
    from plaza.showcase.models import Product

    return {
        ReportKind.POST: Post,
        ReportKind.COMMENT: Comment,
        ReportKind.BLOG: Blog,
        ReportKind.MESSAGE: Message,
        ReportKind.PRODUCT: Product,
        ReportKind.EVENT: Event,
        ReportKind.POLL: Poll,
    }[ReportKind(kind)]


def access_report(user: Any, report_id: int) -> tuple[SpaceAccess, Report]:
    """A report and the caller's admin access to its space: 401 signed out, 404 when missing
    or its space is unknown to the caller, 403 for those who know the space but do not
    administer it."""
    if not _authenticated(user):
        raise NotAuthenticated()
    report = Report.objects.select_related("space__parent__parent", "reporter", "author").filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    acc = space_access_for(user, report.space)
    if not acc.is_admin:
        # Their own report is not theirs to resolve either; others' reports are not known.
        if report.reporter_id == user.pk or acc.role:
            raise Forbidden()
        raise NotFound()
    return acc, report
