"""Objects the authorization matrix (core/tests/test_authz_matrix.py) points the moderation
routes at, made in each fresh world."""

from __future__ import annotations

from typing import Any

from plaza.spaces.access import space_access_for


def _ginas_sales_post(f: Any) -> Any:
    from plaza.feed.actions import do_publish_post

    return do_publish_post(space_access_for(f.world.gina.user, f.world.acme), body="Buy cheap watches", team_id=f.public_team)


def report_body(f: Any) -> dict[str, Any]:
    """A report of gina's post in the public Sales team: alice and bob see it (201), gina
    wrote it (403: not her own), mallory may not know it exists (404)."""
    return {"type": "post", "id": _ginas_sales_post(f).pk, "reason": "spam"}


def bobs_report(f: Any) -> dict[str, Any]:
    """bob's open report of gina's post: acme's admins (alice) resolve it; bob and gina are
    in acme but not admins (403); mallory may not know acme (404)."""
    from plaza.moderation.access import access_thing
    from plaza.moderation.actions import do_report

    post = _ginas_sales_post(f)
    acc, thing = access_thing(f.world.bob.user, "post", post.pk)
    report = do_report(acc, thing, reason="spam")
    return {"report_id": report.pk}
