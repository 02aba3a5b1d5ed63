"""Objects the authorization matrix (core/tests/test_authz_matrix.py) points the routes of
blogs, headlines and announcements at, made in each fresh world."""

from __future__ import annotations

from typing import Any

from plaza.spaces.access import space_access_for


def _sales_blog(f: Any):
    from plaza.blogs.actions import do_create_blog

    acc = space_access_for(f.world.gina.user, f.world.acme)
    return do_create_blog(acc, title="Sales notes", body="From sales", status="published", team_id=f.public_team)


def sales_blog(f: Any) -> dict[str, Any]:
    """A published blog by gina (guest) in the public Sales team: alice and bob see it,
    only gina edits it, gina or an admin deletes it; mallory may not know it."""
    return {"blog_id": _sales_blog(f).pk}


def headline_body(f: Any) -> dict[str, Any]:
    return {"kind": "blog", "id": _sales_blog(f).pk}


def acme_headline(f: Any) -> dict[str, Any]:
    from plaza.blogs.actions import do_add_headline

    acc = space_access_for(f.world.alice.user, f.world.acme)
    return {"slug": "acme", "headline_id": do_add_headline(acc, kind="blog", target_id=_sales_blog(f).pk).pk}


def acme_announcement(f: Any) -> dict[str, Any]:
    """An announcement of alice to the whole of acme: bob receives it, gina (a guest) not."""
    from plaza.announcements.actions import do_publish_announcement

    acc = space_access_for(f.world.alice.user, f.world.acme)
    return {"announcement_id": do_publish_announcement(acc, title="Office closed", body="On Friday").pk}
