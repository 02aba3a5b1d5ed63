"""The answer to publishing a post is the post exactly as reading it gives it."""

from __future__ import annotations

from plaza.core.testing import upload_file


def test_publish_answers_the_post_as_get_shows_it(world, api):
    image = upload_file(world.bob)
    team = api("alice").post("spaces/acme/teams", {"name": "Cellar", "visibility": "public"})
    assert team.status_code == 201, team.json_body
    assert api("bob").post(f"teams/{team.json_body['id']}/join", {}).status_code in (200, 201)
    r = api("bob").post("spaces/acme/posts", {
        "body": "Tasting on **Friday** with @alice #wine", "team_id": team.json_body["id"], "attachment_ids": [image]})
    assert r.status_code == 201, r.json_body
    shown = api("bob").get(f"posts/{r.json_body['id']}")
    assert shown.status_code == 200
    assert r.json_body == shown.json_body
    assert r.json_body["author"]["handle"] == "bob" and r.json_body["attachments"][0]["id"] == image
    assert r.json_body["like_count"] == 0 and r.json_body["liked_by_me"] is False
