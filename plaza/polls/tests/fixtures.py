"""Objects the authorization matrix (core/tests/test_authz_matrix.py) points polls routes at."""

from __future__ import annotations

from typing import Any

from plaza.polls.actions import do_create_poll
from plaza.spaces.access import space_access_for


def bobs_poll(world: Any) -> dict[str, Any]:
    """An open, space-wide poll of acme by bob (gina, a guest, does not see space-wide polls)."""
    poll = do_create_poll(space_access_for(world.bob.user, world.acme), question="Lunch?",
                          options=[{"text": "Noodles"}, {"text": "Dumplings"}])
    return {"poll_id": poll.pk, "option_ids": list(poll.options.values_list("pk", flat=True))}
