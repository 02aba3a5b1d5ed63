"""Who may see and change blogs and headlines. Missing and forbidden look the same: 404.

A published blog is seen by exactly those who may see a feed post with the same audience
(the space, or one team; in a public space, space-wide blogs are readable signed out).
A draft is seen by its author, and a draft written as the space by the space's admins too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from plaza.blogs.models import Blog, BlogStatus, Headline
from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.spaces.access import SpaceAccess, admin_spaces_q, scope_q, space_access_for, unhidden_q, unhidden_visible_q, visible_q
from plaza.spaces.models import Membership


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def space_blogs_q(acc: SpaceAccess) -> Q:
    """The blogs of ``acc.space`` the caller may see, as a condition on Blog."""
    published = Q(status=BlogStatus.PUBLISHED) & scope_q(acc) & unhidden_q(acc)
    if not _authenticated(acc.user) or not acc.role:
        return published
    drafts = Q(space=acc.space, status=BlogStatus.DRAFT, author=acc.user)
    if acc.is_admin:
        drafts |= Q(space=acc.space, status=BlogStatus.DRAFT, as_space=True)
    return published | drafts


def can_edit_blog(acc: SpaceAccess, blog: Blog) -> bool:
    """Its author edits a blog; a blog written as the space, any admin of the space."""
    if not _authenticated(acc.user):
        return False
    if blog.as_space:
        return acc.is_admin
    return bool(blog.author_id == acc.user.pk)


def can_delete_blog(acc: SpaceAccess, blog: Blog) -> bool:
    """Editors delete; admins delete any blog (moderation)."""
    return can_edit_blog(acc, blog) or (_authenticated(acc.user) and acc.is_admin)


def access_blog(acc_or_user: SpaceAccess | Any, blog_id: int, *, for_write: bool = False) -> tuple[SpaceAccess, Blog]:
    """The caller's access to the space of blog ``blog_id``, and the blog (404 when not visible).

    ``for_write`` asks to edit it: 401 signed out, 403 for those who see it but may not.
    """
    qs = Blog.objects.select_related("space__parent__parent", "team", "author", "cover", "post").filter(
        pk=blog_id,
    )
    if isinstance(acc_or_user, SpaceAccess):
        acc = acc_or_user
        blog = qs.filter(space=acc.space).first()
    else:
        blog = qs.first()
        acc = space_access_for(acc_or_user, blog.space) if blog is not None else None  # type: ignore[assignment]
    if blog is None or acc is None:
        raise NotFound()
    if not Blog.objects.filter(space_blogs_q(acc), pk=blog.pk).exists():
        raise NotFound()
    if for_write:
        if not _authenticated(acc.user):
            raise NotAuthenticated()
        if not can_edit_blog(acc, blog):
            raise Forbidden()
    return acc, blog


def access_headline(acc: SpaceAccess, headline_id: int, *, for_write: bool = False) -> Headline:
    """A headline of ``acc.space``. Admins manage them (403 for others who know the space)."""
    if for_write:
        if not _authenticated(acc.user):
            raise NotAuthenticated()
        if not acc.is_admin:
            raise Forbidden()
    headline = (
        Headline.objects.filter(
            space=acc.space,
            pk=headline_id,
        )
        .select_related("space")
        .first()
    )
    if headline is None:
        raise NotFound()
    return headline


def visible_blogs_q(user: Any) -> Q:
    """The blogs anywhere that ``user`` may see (:func:`space_blogs_q` across spaces), as a
    condition on Blog: published ones with a post's audience, drafts for their author (in a
    space they are in) and, written as the space, for its admins."""
    published = Q(status=BlogStatus.PUBLISHED) & visible_q(user) & unhidden_visible_q(user)
    if not _authenticated(user):
        return published
    joined = Membership.objects.filter(user=user).values("space_id")
    admin_here = admin_spaces_q(user)
    in_space = Q(space_id__in=joined) | admin_here
    drafts = Q(status=BlogStatus.DRAFT) & ((Q(author=user) & in_space) | (Q(as_space=True) & admin_here))
    return published | drafts
