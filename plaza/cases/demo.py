"""Demo data for quick review: a counterfeit check (假酒鉴定) desk in the wine lovers' space."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from plaza.accounts.models import User
from plaza.cases import actions
from plaza.cases.models import CaseType
from plaza.spaces.access import space_access_for
from plaza.spaces.actions import do_add_team_member, do_create_team
from plaza.spaces.models import Space

FIELDS = [
    {"key": "product", "label": "酒名 Wine", "type": "text", "required": True},
    {"key": "vintage", "label": "年份 Vintage", "type": "number", "required": False},
    {"key": "bought_on", "label": "购买日期 Bought on", "type": "date", "required": False},
    {"key": "channel", "label": "购买渠道 Where bought", "type": "choice", "required": True,
     "choices": ["网店 Online shop", "超市 Supermarket", "专卖店 Wine shop", "其他 Other"]},
    {"key": "details", "label": "情况说明 What looks wrong", "type": "textarea", "required": True},
    {"key": "photos", "label": "照片 Photos", "type": "image", "required": False},
]


def seed_cases() -> None:
    """Precondition: the spaces demo ran (wine-lovers exists, 李静 is its admin)."""
    wang = User.objects.get(email="wang@wine.example")
    li = User.objects.get(email="li@wine.example")
    liu = User.objects.get(email="liu@consumer.example")
    lovers = Space.objects.get(slug="wine-lovers")
    admin = space_access_for(wang, lovers)
    team = do_create_team(admin, name="鉴定组 Review desk", description="Checks bottles reported by consumers.", visibility="private")
    do_add_team_member(admin, team, li.pk, role="admin")
    case_type = actions.do_create_case_type(
        admin, name="假酒鉴定 Counterfeit check", description="怀疑买到假酒？提交照片和购买信息，协会专家为您鉴定。"
        "Think a bottle is fake? Tell us and the association's experts will check.",
        fields=FIELDS, submitters="anyone", reviewer_team_id=team.pk, outcomes=["正品 Genuine", "假冒 Counterfeit", "无法判断 Inconclusive"],
        due_days={"submitted": 2, "accepted": 3, "in_review": 7},
    )
    actions.do_create_case_type(
        admin, name="投诉 Complaint", fields=[{"key": "details", "label": "投诉内容 Details", "type": "textarea", "required": True}],
        submitters="members", reviewer_team_id=team.pk, outcomes=["已解决 Resolved", "不成立 Rejected"],
    )
    reviewer = space_access_for(li, lovers)
    visitor = space_access_for(AnonymousUser(), lovers)
    member = space_access_for(liu, lovers)
    case_type = CaseType.objects.get(pk=case_type.pk)

    def file(acc: Any, product: str, details: str, email: str = "") -> Any:
        case, _code = actions.do_submit_case(acc, case_type, values={
            "product": product, "channel": "网店 Online shop", "details": details, "vintage": 2015}, contact_email=email)
        return case

    file(visitor, "拉菲 Lafite 1982", "瓶标印刷模糊，价格只要 300 元。Blurred label, only ¥300.", "buyer1@example.com")
    accepted = file(member, "张裕解百纳 Changyu Cabernet", "瓶盖没有防伪码。No anti-counterfeit code on the cap.")
    actions.do_transition_case(reviewer, accepted, to="accepted", note="已受理，正在安排专家。Accepted; an expert will look at it.")
    need_info = file(visitor, "奔富 Penfolds Bin 389", "口感很奇怪。Tastes odd.", "buyer2@example.com")
    for to, note in (("accepted", ""), ("in_review", ""), ("need_info", "请上传背标照片。Please send a photo of the back label.")):
        need_info = actions.do_transition_case(reviewer, need_info, to=to, note=note)
    actions.do_add_case_note(reviewer, need_info, body="Seller has two earlier complaints.", public=False)
    concluded = file(visitor, "长城干红 Great Wall Dry Red", "包装破损。Damaged packaging.", "buyer3@example.com")
    for to in ("accepted", "in_review"):
        concluded = actions.do_transition_case(reviewer, concluded, to=to)
    concluded = actions.do_transition_case(reviewer, concluded, to="concluded", outcome="正品 Genuine",
                                           note="经鉴定为正品，包装在运输中受损。Genuine; the box was damaged in transport.")
    closed = file(member, "木桐 Mouton 2010", "酒塞发霉。Mouldy cork.")
    for to, outcome in (("accepted", ""), ("in_review", ""), ("concluded", "假冒 Counterfeit"), ("closed", "")):
        closed = actions.do_transition_case(reviewer, closed, to=to, outcome=outcome)
    actions.do_assign_case(reviewer, accepted, user_id=li.pk)
