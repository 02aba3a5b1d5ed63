"""Objects the authorization matrix (core/tests/test_authz_matrix.py) points cases routes at."""

from __future__ import annotations

from typing import Any

from plaza.cases.actions import do_create_case_type, do_submit_case, do_transition_case
from plaza.cases.models import Case
from plaza.spaces.access import space_access_for


def review_type(world: Any) -> int:
    """A case type of acme reviewed by the private Board team (only alice is in it)."""
    from plaza.spaces.models import Team

    alice = space_access_for(world.alice.user, world.acme)
    board = Team.objects.filter(space=world.acme, name="Board").first()
    t = do_create_case_type(alice, name="Check", fields=[{"key": "what", "label": "What", "type": "text", "required": True}],
                            outcomes=["ok"], reviewer_team_id=board.pk if board else None)
    return t.pk


def bobs_case(world: Any, *, need_info: bool = False) -> tuple[Case, str]:
    bob = space_access_for(world.bob.user, world.acme)
    from plaza.cases.models import CaseType

    case, code = do_submit_case(bob, CaseType.objects.get(pk=review_type(world)), values={"what": "A bottle"})
    if need_info:
        alice = space_access_for(world.alice.user, world.acme)
        for to in ("accepted", "in_review", "need_info"):
            case = do_transition_case(alice, case, to=to)
    return case, code
