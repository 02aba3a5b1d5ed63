"""Blog and headline demo data (called from ``spaces.demo.seed_demo``): the association's
own articles, and the consumer space's blogs featured as its front-page headlines."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plaza.accounts.models import User
from plaza.blogs import actions
from plaza.feed.models import Post
from plaza.spaces.access import space_access_for
from plaza.spaces.models import Space
from plaza.uploads import actions as upload_actions


def _cover(user: User, colour: tuple[int, int, int]) -> int:
    out = io.BytesIO()
    Image.new("RGB", (960, 400), colour).save(out, format="PNG")
    upload = SimpleUploadedFile("cover.png", out.getvalue(), content_type="image/png")
    return upload_actions.do_upload_file(user, upload).pk


def seed_blogs_demo() -> None:
    wang = User.objects.get(email="wang@wine.example")
    li = User.objects.get(email="li@wine.example")
    zhao = User.objects.get(email="zhao@wine.example")
    association = space_access_for(li, Space.objects.get(slug="wine-association"))
    actions.do_create_blog(
        association, title="2026 年会筹备：时间线与分工", status="published", tags=["年会", "筹备"],
        body="**时间线**\n\n- 9 月：确定场地\n- 10 月：发出邀请\n- 11 月：彩排\n\n请各组在周五前提交预算。",
    )
    actions.do_create_blog(
        space_access_for(zhao, association.space), title="How we plan a tasting for 300 guests", status="published",
        tags=["events", "tasting"],
        body="Three lessons from the autumn fair:\n\n1. **Glasses**: order 4 per guest.\n2. Spittoons on every table.\n3. A quiet corner for trade buyers.",
    )
    actions.do_create_blog(association, title="会员手册修订草稿", body="草稿，尚未发布。", tags=["handbook"])

    lovers_space = Space.objects.get(slug="wine-lovers")
    lovers = space_access_for(li, lovers_space)
    guide = actions.do_create_blog(
        lovers, title="新手品酒指南：看、闻、尝", status="published", tags=["新手入门", "tasting"],
        cover_id=_cover(li, (120, 20, 40)),
        body="**看**颜色，**闻**香气，**尝**单宁与酸度。记录下你的第一印象，再对比酒标。\n\nLook, smell, taste — then compare with the label.",
    )
    notice = actions.do_create_blog(
        space_access_for(wang, lovers_space), title="Welcome to the Wine Lovers community", status="published",
        as_space=True, tags=["community"],
        body="This is the public space of the wine association. Read our guides, join the tasting club and vote in our polls.",
    )
    actions.do_add_headline(lovers, kind="blog", target_id=guide.pk)
    actions.do_add_headline(lovers, kind="blog", target_id=notice.pk)
    post = Post.objects.filter(space=lovers_space, team__isnull=True, deleted=False).order_by("created").first()
    if post is not None:
        actions.do_add_headline(lovers, kind="post", target_id=post.pk, cover_id=_cover(li, (30, 60, 120)))
