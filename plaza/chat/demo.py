"""Discussion group and micro-mail demo data for the wine association (called from
``spaces.demo.seed_demo``): a tasting-planning group of the staff and the logistics partner,
a finished call recorded in it, and mail between the association's staff."""

from __future__ import annotations

from plaza.accounts.models import User
from plaza.chat import actions
from plaza.chat.access import access_group_by_id
from plaza.spaces.access import access_space

# (email, body) in order
MESSAGES: list[tuple[str, str]] = [
    ("zhao@wine.example", "大家好！秋季品鉴会定在 10 月 18 日（周六），场地是国际会展中心 B 馆。"),
    ("li@wine.example", "好的。酒款清单我来整理，@zhaolei 请确认一下可容纳人数。"),
    ("zhao@wine.example", "B 馆可容纳 300 人，我们计划开放 240 个名额。"),
    ("guest@partner.example", "Glasses: 1,200 pcs arrive Friday morning. Which loading dock should we use?"),
    ("zhao@wine.example", "Dock 3, please — I'll meet your driver at 9:00. @partner_guest"),
    ("wang@wine.example", "辛苦各位！签到台和志愿者安排下周例会再定。**预算已批准。**"),
]


def seed_chat_demo() -> None:
    wang = User.objects.get(email="wang@wine.example")
    li = User.objects.get(email="li@wine.example")
    zhao = User.objects.get(email="zhao@wine.example")
    guest = User.objects.get(email="guest@partner.example")
    acc = access_space(wang, "wine-association")
    group = actions.do_create_group(acc, name="秋季品鉴会筹备 Autumn tasting planning", member_ids=[li.pk, zhao.pk, guest.pk])
    for email, body in MESSAGES:
        author = User.objects.get(email=email)
        member_acc, member_group, member = access_group_by_id(author, group.pk)
        actions.do_send_message(member_acc, member_group, member, body=body)
    actions.do_post_call_record(group, author=zhao, body="12:40 · 赵磊 Zhao Lei, 李静 Li Jing, Partner Guest")

    from plaza.mail.demo import seed_mail_demo

    seed_mail_demo()
