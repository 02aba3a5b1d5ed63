"""Poll pages: list and create, vote, results."""

from __future__ import annotations

from django.test import Client

from plaza.core.testing import PASSWORD
from plaza.polls.models import Poll, PollOption


def signed_in(persona) -> Client:
    c = Client()
    assert c.login(email=persona.user.email, password=PASSWORD)
    return c


def test_create_vote_and_see_results(world):
    bob = signed_in(world.bob)
    r = bob.post("/s/acme/polls/", {"question": "Lunch?", "options": "Noodles\nDumplings\n", "max_choices": "1",
                                    "ballot": "open", "results": "after_vote"})
    assert r.status_code == 302
    poll = Poll.objects.get()
    page = bob.get(f"/polls/{poll.pk}/").content.decode()
    assert "Results are shown after you vote." in page and 'name="option_ids"' in page
    noodles = PollOption.objects.get(poll=poll, text="Noodles")
    assert bob.post(f"/polls/{poll.pk}/", {"option_ids": [str(noodles.pk)]}).status_code == 302
    page = bob.get(f"/polls/{poll.pk}/").content.decode()
    assert "<strong>1</strong>" in page and "Change my vote" in page and "Bob" in page
    assert "Lunch?" in bob.get("/s/acme/polls/").content.decode()
    assert bob.post(f"/polls/{poll.pk}/", {"action": "close"}).status_code == 302
    page = bob.get(f"/polls/{poll.pk}/").content.decode()
    assert "Closed" in page and 'name="option_ids"' not in page
    assert signed_in(world.mallory).get(f"/polls/{poll.pk}/").status_code == 404
    assert Client().get("/s/acme/polls/").status_code == 404


def test_demo_has_a_tasting_poll(db):
    from plaza.spaces.demo import seed_demo

    assert seed_demo() is True
    poll = Poll.objects.get(space__slug="wine-lovers")
    assert poll.voter_count == 4
    page = Client().get(f"/polls/{poll.pk}/").content.decode()
    assert "Bordeaux" in page and "<strong>3</strong>" in page
