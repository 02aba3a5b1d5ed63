"""The demo data: the seed article's wine association (酒协) and its three coupled spaces.

Loaded by ``plaza demo`` only into an empty database, through the same actions the pages
and API use. Later features add their own content here.
"""

from __future__ import annotations

from django.db import transaction

from plaza.accounts.models import User
from plaza.spaces import actions
from plaza.spaces.access import SpaceAccess, space_access_for
from plaza.spaces.models import Role, Space

DEMO_PASSWORD = "plaza-demo-2026"

# email, name, handle, what they are
DEMO_PEOPLE: list[tuple[str, str, str, str]] = [
    ("wang@wine.example", "王秘书长", "王秘书长", "association secretary-general, owner"),
    ("li@wine.example", "李静 Li Jing", "lijing", "association staff, admin"),
    ("zhao@wine.example", "赵磊 Zhao Lei", "zhaolei", "association staff"),
    ("chen@greatwall-winery.example", "陈总 Chen", "chen_winery", "member company representative"),
    ("maria@bordeaux-imports.example", "Maria Rossi", "maria", "member company representative"),
    ("liu@consumer.example", "刘洋", "刘洋", "consumer, wine lover"),
    ("sam@consumer.example", "Sam Taylor", "samt", "consumer, wine lover"),
    ("guest@partner.example", "Partner Guest", "partner_guest", "guest (logistics partner)"),
]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _invite_only_space(owner: User, slug: str, name: str, description: str, *, visibility: str,
                       parent: SpaceAccess | None, invited: tuple[tuple[User, str], ...]) -> Space:
    """A space joined by invitation, with ``invited`` people in their roles."""
    space = actions.do_create_space(owner, name=name, slug=slug, description=description, visibility=visibility,
                                    join_policy="invite", parent=parent)
    acc = space_access_for(owner, space)
    for person, role in invited:
        actions.do_accept_invitation(person, actions.do_create_invitation(acc, role=role, max_uses=1).code)
    return space


@transaction.atomic
def seed_demo() -> bool:
    """Create the demo data. Returns False (and does nothing) when any account exists."""
    if User.objects.exists():
        return False
    for email, name, handle, _note in DEMO_PEOPLE:
        language = "en" if all(ord(ch) < 128 for ch in name) else "zh-hans"
        User.objects.create_user(email, DEMO_PASSWORD, name=name, handle=handle, language=language, timezone="Asia/Shanghai")
    wang, li, zhao = _user("wang@wine.example"), _user("li@wine.example"), _user("zhao@wine.example")
    chen, maria = _user("chen@greatwall-winery.example"), _user("maria@bordeaux-imports.example")
    liu, sam, guest = _user("liu@consumer.example"), _user("sam@consumer.example"), _user("guest@partner.example")

    association = _invite_only_space(
        wang, "wine-association", "葡萄酒协会 Wine Association",
        "协会内部空间：微博、日历、公告、微邮、讨论组。The association's own internal space.",
        visibility="private", parent=None, invited=((li, Role.ADMIN), (zhao, Role.MEMBER), (guest, Role.GUEST)),
    )
    companies = _invite_only_space(
        wang, "member-companies", "会员企业 Member Companies",
        "会员企业空间：公告、活动通知、产品展台。Announcements, event notices and the product showcase for member wineries and importers.",
        visibility="listed", parent=space_access_for(wang, association), invited=((li, Role.ADMIN), (chen, Role.MEMBER), (maria, Role.MEMBER)),
    )
    assoc = space_access_for(wang, association)

    lovers = actions.do_create_space(
        wang,
        name="葡萄酒爱好者 Wine Lovers",
        slug="wine-lovers",
        description="消费者公共空间：头条、博客、投票、快审。The public consumer community: headlines, blogs, polls and quick review.",
        visibility="public",
        join_policy="open",
        parent=assoc,
    )
    for person in (li, liu, sam, chen):
        actions.do_join_space(space_access_for(person, lovers))
    lov = space_access_for(wang, lovers)
    actions.do_change_role(lov, lov.space.memberships.get(user=li), role=Role.ADMIN)

    # Teams: departments in the association, groups in the companies and the community.
    assoc = space_access_for(wang, association)
    secretariat = actions.do_create_team(assoc, name="秘书处 Secretariat", description="Day-to-day running of the association.")
    actions.do_add_team_member(assoc, secretariat, li.pk, role="admin")
    actions.do_add_team_member(assoc, secretariat, zhao.pk)
    events = actions.do_create_team(assoc, name="活动组 Events", description="Tastings, fairs and the annual meeting.")
    actions.do_add_team_member(assoc, events, zhao.pk)
    actions.do_add_team_member(assoc, events, guest.pk)
    actions.do_create_team(assoc, name="理事会 Board", description="Board of directors.", visibility="private")

    comp = space_access_for(wang, companies)
    actions.do_create_team(comp, name="进口商 Importers", description="Member companies importing wine.")
    actions.do_create_team(comp, name="酒庄 Wineries", description="Member wineries producing in China.")
    lov = space_access_for(wang, lovers)
    actions.do_create_team(lov, name="品鉴俱乐部 Tasting Club", description="Monthly tastings for consumers.")

    actions.do_join_space(space_access_for(maria, lovers))  # Maria also follows the consumers

    from plaza.feed.demo import seed_feed_demo

    seed_feed_demo()

    from plaza.blogs.demo import seed_blogs_demo

    seed_blogs_demo()

    from plaza.announcements.demo import seed_announcements_demo

    seed_announcements_demo()

    from plaza.events.demo import seed_events_demo

    seed_events_demo()
    from plaza.cases.demo import seed_cases

    seed_cases()
    from plaza.polls.demo import seed_polls

    seed_polls()

    from plaza.chat.demo import seed_chat_demo

    seed_chat_demo()
    from plaza.showcase.demo import seed_showcase

    seed_showcase()
    return True
