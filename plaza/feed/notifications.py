"""The feed's notification kinds and its "post" target, registered at start-up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.notifications.kinds import Kind, Target, register_kind, register_target


def _likes(data: dict[str, Any]) -> str:
    others = int(data.get("count", 1)) - 1
    if others <= 0:
        return _("%(actor)s liked your post.") % data
    if others == 1:
        return _("%(actor)s and 1 other liked your post.") % data
    return _("%(actor)s and %(others)d others liked your post.") % {**data, "others": others}


register_kind(Kind("post_mention", gettext_lazy("Mentions of me in posts"), "immediate",
                   lambda d: _("%(actor)s mentioned you in a post.") % d))
register_kind(Kind("post_comment", gettext_lazy("Comments on my posts"), "digest",
                   lambda d: _("%(actor)s commented on your post.") % d))
register_kind(Kind("comment_reply", gettext_lazy("Replies to my comments"), "digest",
                   lambda d: _("%(actor)s replied to your comment.") % d))
register_kind(Kind("post_like", gettext_lazy("Likes of my posts"), "off", _likes))
register_kind(Kind("post_share", gettext_lazy("Shares of my posts"), "digest",
                   lambda d: _("%(actor)s shared your post.") % d))


def _visible_posts(user: Any, ids: Iterable[int]) -> set[int]:
    from plaza.feed.access import list_visible_post_ids

    return list_visible_post_ids(user, ids)


register_target(Target("post", _visible_posts, lambda pk, d: f"/p/{pk}/"))
