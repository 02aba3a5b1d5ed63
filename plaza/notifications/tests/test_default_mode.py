"""notify(default_mode=...): one notification's default email mode, people's settings first."""

from __future__ import annotations

import pytest
from django.core import mail

from plaza.core.tasks import run_pending_tasks
from plaza.notifications import actions
from plaza.notifications.models import NotificationSetting


def _mailed(world, default_mode=None) -> set[str]:
    """Who was mailed at once (not in a digest) for one notification to bob and gina."""
    actions.notify(
        recipients=[world.bob.user, world.gina.user], kind="join_request_rejected", space=world.acme,
        default_mode=default_mode,
    )
    run_pending_tasks()
    return {to for m in mail.outbox for to in m.to}


def test_kind_default_applies_without_override(world):
    assert _mailed(world) == set()  # join_request_rejected defaults to the digest


def test_override_applies_to_people_without_a_setting(world):
    NotificationSetting.objects.create(user=world.gina.user, kind="join_request_rejected", mode="off")
    assert _mailed(world, default_mode="immediate") == {"bob@example.com"}


def test_unknown_mode_is_refused(world):
    with pytest.raises(ValueError):
        actions.notify(recipients=[world.bob.user], kind="join_request_rejected", default_mode="loud")
