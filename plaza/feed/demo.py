"""Microblog demo data for the wine association (called from ``spaces.demo.seed_demo``).

Posts in Chinese and English with topics and mentions, comments and replies, likes,
follows, a pinned notice, and shares that roam between the coupled spaces: one from the
member companies into the public consumer space (whose consumers see "not available" for
the original) and one from the consumers into the member companies.
"""

from __future__ import annotations

from plaza.accounts.models import User
from plaza.feed import actions
from plaza.feed.models import Comment, Post
from plaza.spaces import actions as spaces_actions
from plaza.spaces.access import SpaceAccess, access_space
from plaza.spaces.models import Team

# (email, space slug, team name or "", body)
POSTS: list[tuple[str, str, str, str]] = [
    ("wang@wine.example", "wine-association", "", "各位同事，2026 年会筹备工作正式启动！请 @lijing 牵头，@zhaolei 负责场地。#年会#"),
    ("li@wine.example", "wine-association", "", "Minutes of this week's staff meeting are in the shared folder. Next meeting Tuesday 10:00. #meetings"),
    ("zhao@wine.example", "wine-association", "活动组 Events", "秋季品鉴会场地已确认：国际会展中心 B 馆，可容纳 300 人。#品鉴会#"),
    ("guest@partner.example", "wine-association", "活动组 Events", "Logistics update: the tasting glasses (1,200 pcs) arrive on Friday. Please confirm the loading dock."),
    ("li@wine.example", "wine-association", "秘书处 Secretariat", "会员年费发票已全部寄出，请 @zhaolei 跟进未回执的 12 家企业。"),
    ("zhao@wine.example", "wine-association", "", "Reminder: the new member handbook draft is ready for review. Comments welcome before Friday. #handbook"),
    ("wang@wine.example", "wine-association", "", "感谢大家本季度的辛勤付出！协会新增会员企业 8 家。#里程碑#"),
    ("chen@greatwall-winery.example", "member-companies", "", "长城酒庄 2025 年份干红已完成装瓶，欢迎各位会员企业来庄参观。#新品# #宁夏#"),
    ("maria@bordeaux-imports.example", "member-companies", "", "Bordeaux 2024 en primeur allocations are out. Happy to share notes with fellow importers. #bordeaux #import"),
    ("li@wine.example", "member-companies", "", "【通知】下月起进口酒标签新规实施，请各会员企业提前准备中文背标。#法规#"),
    ("chen@greatwall-winery.example", "member-companies", "", "Does anyone have a recommended cold-chain partner for shipments to Guangzhou? @maria"),
    ("maria@bordeaux-imports.example", "member-companies", "", "We used a bonded warehouse in Nansha last year — very smooth customs clearance. #logistics"),
    ("wang@wine.example", "member-companies", "", "展台频道即将上线，各会员企业可以上传产品目录。#展台#"),
    ("chen@greatwall-winery.example", "member-companies", "", "宁夏贺兰山东麓产区今年采收期比往年提前一周，葡萄糖度很理想。#宁夏# #采收#"),
    ("maria@bordeaux-imports.example", "member-companies", "", "Price list for Q3 is attached to our showcase page. Member discount 8% as usual."),
    ("li@wine.example", "wine-lovers", "", "欢迎来到葡萄酒爱好者社区！发帖请带话题，例如 #新手入门# 或 #tasting"),
    ("liu@consumer.example", "wine-lovers", "", "第一次喝宁夏的赤霞珠，单宁很柔和，带一点黑醋栗的香气。#宁夏# #品酒笔记#"),
    ("sam@consumer.example", "wine-lovers", "", "What's a good entry-level Bordeaux under 200 RMB? #bordeaux #新手入门#"),
    ("maria@bordeaux-imports.example", "wine-lovers", "", "@samt for under 200 RMB look at Côtes de Bourg or Blaye — great value. #bordeaux"),
    ("liu@consumer.example", "wine-lovers", "", "收到的酒瓶盖有明显二次封口痕迹，怀疑是假酒，已经提交快审。#防伪#"),
    ("sam@consumer.example", "wine-lovers", "", "Tasting club this Saturday: 6 wines blind, bring your own glass! #tasting"),
    ("chen@greatwall-winery.example", "wine-lovers", "", "酒庄开放日报名开始啦，限额 50 人，先到先得。#酒庄开放日#"),
    ("liu@consumer.example", "wine-lovers", "品鉴俱乐部 Tasting Club", "俱乐部本月主题：新世界 vs 旧世界黑皮诺。#品鉴会#"),
    ("sam@consumer.example", "wine-lovers", "", "Learned today: 'Grand Vin' on a label is not a regulated term in Bordeaux. #tasting #新手入门#"),
    ("li@wine.example", "wine-lovers", "", "提醒：理性饮酒，未成年人请勿饮酒。#公告#"),
    ("liu@consumer.example", "wine-lovers", "", "Food pairing tip: 宁夏赤霞珠配手抓羊肉，绝了！#品酒笔记#"),
    ("sam@consumer.example", "wine-lovers", "", "Anyone going to the autumn fair? Let's meet at the Ningxia booth. @刘洋"),
]

# (commenter email, post index, body, reply to comment index or None)
COMMENTS: list[tuple[str, int, str, int | None]] = [
    ("li@wine.example", 0, "收到，本周内出筹备方案。", None),
    ("zhao@wine.example", 0, "场地已经在看了，周三前给大家三个备选。", None),
    ("wang@wine.example", 0, "好的，辛苦！", 1),
    ("li@wine.example", 2, "Great, please share the floor plan with the Events team.", None),
    ("maria@bordeaux-imports.example", 7, "Congratulations! Would love to visit in spring.", None),
    ("chen@greatwall-winery.example", 7, "Welcome anytime, Maria!", 4),
    ("chen@greatwall-winery.example", 11, "Thanks, that's exactly what I needed.", None),
    ("sam@consumer.example", 16, "Sounds lovely — which winery?", None),
    ("liu@consumer.example", 16, "贺兰山东麓的一家小酒庄，下次带给你尝尝。", 7),
    ("liu@consumer.example", 17, "Try Côtes de Castillon too!", None),
    ("sam@consumer.example", 18, "Thank you Maria, will look for those.", None),
    ("li@wine.example", 19, "已收到快审单，我们会在 3 个工作日内回复进度。", None),
    ("liu@consumer.example", 20, "I'll be there!", None),
    ("maria@bordeaux-imports.example", 20, "Count me in, I'll bring a Pessac-Léognan.", None),
]

# (liker email, post index)
LIKES: list[tuple[str, int]] = [
    ("li@wine.example", 0), ("zhao@wine.example", 0), ("guest@partner.example", 2), ("wang@wine.example", 2),
    ("wang@wine.example", 6), ("li@wine.example", 6), ("zhao@wine.example", 6),
    ("maria@bordeaux-imports.example", 7), ("li@wine.example", 7), ("wang@wine.example", 7),
    ("chen@greatwall-winery.example", 8), ("chen@greatwall-winery.example", 11), ("maria@bordeaux-imports.example", 13),
    ("liu@consumer.example", 15), ("sam@consumer.example", 15), ("chen@greatwall-winery.example", 16),
    ("sam@consumer.example", 16), ("maria@bordeaux-imports.example", 16), ("liu@consumer.example", 17),
    ("sam@consumer.example", 18), ("liu@consumer.example", 18), ("li@wine.example", 19), ("sam@consumer.example", 19),
    ("liu@consumer.example", 20), ("maria@bordeaux-imports.example", 20), ("chen@greatwall-winery.example", 20),
    ("sam@consumer.example", 21), ("liu@consumer.example", 23), ("li@wine.example", 24), ("sam@consumer.example", 25),
]

FOLLOWS: list[tuple[str, str]] = [
    ("sam@consumer.example", "maria@bordeaux-imports.example"),
    ("liu@consumer.example", "chen@greatwall-winery.example"),
    ("maria@bordeaux-imports.example", "chen@greatwall-winery.example"),
    ("zhao@wine.example", "wang@wine.example"),
    ("li@wine.example", "wang@wine.example"),
]


def _acc(user: User, slug: str) -> SpaceAccess:
    return access_space(user, slug)


def seed_feed_demo() -> None:
    """Create the microblog demo content through the feed actions. Expects the spaces demo."""
    people = {u.email: u for u in User.objects.all()}
    # Two consumers join the tasting club before posting in it.
    for email in ("liu@consumer.example", "sam@consumer.example"):
        acc = _acc(people[email], "wine-lovers")
        spaces_actions.do_join_team(acc, Team.objects.get(space=acc.space, name="品鉴俱乐部 Tasting Club"))
    posts: list[Post] = []
    for email, slug, team_name, body in POSTS:
        acc = _acc(people[email], slug)
        team_id = Team.objects.get(space=acc.space, name=team_name).pk if team_name else None
        posts.append(actions.do_publish_post(acc, body=body, team_id=team_id))
    comments: list[Comment] = []
    for email, index, body, reply_index in COMMENTS:
        acc, post = _acc(people[email], posts[index].space.slug), posts[index]
        reply_to = comments[reply_index].pk if reply_index is not None else None
        comments.append(actions.do_comment(acc, post, body=body, reply_to=reply_to))
    for email, index in LIKES:
        actions.do_like(_acc(people[email], posts[index].space.slug), posts[index])
    for follower, followee in FOLLOWS:
        actions.do_follow(people[follower], people[followee].pk)

    # Admin pins the community guidelines in the consumer space.
    li = people["li@wine.example"]
    actions.do_pin_post(_acc(li, "wine-lovers"), posts[15])

    # 转发: Chen shares his members-only harvest news with the public consumer space;
    # consumers who are not member companies see "original not available".
    chen = people["chen@greatwall-winery.example"]
    actions.do_share_post(
        _acc(chen, "member-companies"), posts[13], into=_acc(chen, "wine-lovers"),
        body="分享一下我们产区今年的采收情况，欢迎来酒庄开放日实地看看！#宁夏# #酒庄开放日#",
    )
    # Maria brings a consumer question into the member companies' space (public original).
    maria = people["maria@bordeaux-imports.example"]
    actions.do_share_post(
        _acc(maria, "wine-lovers"), posts[17], into=_acc(maria, "member-companies"),
        body="Consumers keep asking for entry-level Bordeaux — an opportunity for importers? #bordeaux #import",
    )
