"""Micro-mail demo data: mail between the wine association's staff (see ``chat.demo``)."""

from __future__ import annotations

from plaza.accounts.models import User
from plaza.mail import actions


def seed_mail_demo() -> None:
    wang = User.objects.get(email="wang@wine.example")
    li = User.objects.get(email="li@wine.example")
    zhao = User.objects.get(email="zhao@wine.example")
    plan = actions.do_send_mail(
        wang, to=[li.pk], cc=[zhao.pk], subject="年会筹备分工 Annual meeting tasks",
        body="李静、赵磊：\n\n年会定于 12 月 6 日。请李静负责议程和嘉宾邀请，赵磊负责场地与物料。\n\n**周五前**回复确认，谢谢！",
    )
    actions.do_send_mail(
        li, to=[wang.pk], cc=[zhao.pk], reply_to=plan.pk, subject="Re: 年会筹备分工 Annual meeting tasks",
        body="收到。议程初稿周三发您审阅。Guest list draft attached to the shared folder.",
    )
    actions.do_send_mail(
        zhao, to=[wang.pk, li.pk], reply_to=plan.pk, subject="Re: 年会筹备分工 Annual meeting tasks",
        body="场地已预留：国际会展中心 A 厅，12 月 6 日全天。",
    )
    actions.do_send_mail(
        wang, to=[li.pk], private=True, subject="理事会人选（保密）Board nominations (confidential)",
        body="Please keep this between us until the board meets: three nominations so far. Not to be forwarded.",
    )
    actions.do_send_mail(
        li, to=[zhao.pk], subject="Invoices follow-up",
        body="Twelve member companies still have not returned their membership fee receipts — list in the Secretariat team.",
    )
