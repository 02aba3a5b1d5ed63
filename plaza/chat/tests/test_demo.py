from __future__ import annotations

from plaza.chat.models import Group, Message
from plaza.mail.models import Delivery
from plaza.mail.models import Message as Mail
from plaza.spaces.demo import seed_demo


def test_demo_has_a_tasting_group_and_staff_mail(db):
    assert seed_demo()
    group = Group.objects.get(space__slug="wine-association")
    assert "tasting" in group.name
    assert Message.objects.filter(group=group).count() >= 6
    assert Message.objects.filter(group=group, is_call_record=True).exists()
    thread = Mail.objects.get(subject="年会筹备分工 Annual meeting tasks")
    assert Mail.objects.filter(thread_id=thread.pk).count() == 3
    assert Delivery.objects.filter(user__email="li@wine.example", folder="inbox").count() >= 2
    assert Mail.objects.filter(private=True).count() == 1
