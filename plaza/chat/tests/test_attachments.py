"""Files in discussion groups and mail: uploaded with POST /uploads, attached by id, copied
onto the message, downloadable only by those who may read it."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plaza.core.testing import Api


def upload(persona, name: str = "notes.txt", data: bytes = b"tasting notes\n") -> int:
    client = Client()
    response = client.post("/api/v1/uploads", {"file": SimpleUploadedFile(name, data)}, **persona.auth)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def as_(persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_group_message_with_a_file(api, world):
    gid = api("alice").post("spaces/acme/groups", {"name": "Files", "member_ids": [world.bob.user.pk]}).json_body["id"]
    fid = upload(world.alice)
    sent = api("alice").post(f"groups/{gid}/messages", {"body": "", "attachment_ids": [fid]})
    assert sent.status_code == 201, sent.json_body
    [attachment] = sent.json_body["attachments"]
    assert attachment["name"] == "notes.txt"
    history = api("bob").get(f"groups/{gid}/messages").json_body["items"]
    assert history[0]["attachments"] == [attachment]
    download = as_(world.bob).get(attachment["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"tasting notes\n"
    assert as_(world.gina).get(attachment["url"]).status_code == 404
    assert as_(world.mallory).get(attachment["url"]).status_code == 404
    # Someone else's upload cannot be attached.
    assert api("bob").post(f"groups/{gid}/messages", {"body": "x", "attachment_ids": [upload(world.alice)]}).status_code == 422
    # Deleting the message takes its files with it.
    assert api("alice").delete(f"groups/{gid}/messages/{sent.json_body['id']}").status_code == 204
    assert as_(world.bob).get(attachment["url"]).status_code == 404


def test_mail_with_a_file_and_forwarding_it(api, world):
    fid = upload(world.alice, "plan.csv", b"a,b\n1,2\n")
    sent = api("alice").post("mail", {"to": [world.bob.user.pk], "subject": "Plan", "body": "Attached", "attachment_ids": [fid]})
    assert sent.status_code == 201
    mail = api("bob").get(f"mail/messages/{sent.json_body['id']}").json_body
    [attachment] = mail["attachments"]
    assert as_(world.bob).get(attachment["url"]).status_code == 200
    assert as_(world.gina).get(attachment["url"]).status_code == 404
    forwarded = api("bob").post(f"mail/messages/{mail['id']}/forward", {"to": [world.gina.user.pk]}).json_body
    [copy] = api("gina").get(f"mail/messages/{forwarded['id']}").json_body["attachments"]
    assert as_(world.gina).get(copy["url"]).status_code == 200
    assert as_(world.gina).get(attachment["url"]).status_code == 404  # the original stays theirs


def test_pages_send_files(world):
    alice = as_(world.alice)
    Api(world.alice).post("spaces/acme/groups", {"name": "Pics", "member_ids": [world.bob.user.pk]})
    from plaza.chat.models import Group, Message

    group = Group.objects.get(name="Pics")
    alice.post(f"/groups/{group.pk}/", {"action": "send", "body": "", "files": [SimpleUploadedFile("a.txt", b"hello")]})
    message = Message.objects.get(group=group)
    assert message.attachment_data[0]["name"] == "a.txt"
    assert "a.txt" in as_(world.bob).get(f"/groups/{group.pk}/").content.decode()
    alice.post("/mail/compose/", {"to": [world.bob.user.pk], "subject": "F", "body": "B", "files": [SimpleUploadedFile("b.txt", b"x")]})
    from plaza.mail.models import Message as Mail

    mail = Mail.objects.get(subject="F")
    assert "b.txt" in as_(world.bob).get(f"/mail/m/{mail.pk}/").content.decode()
