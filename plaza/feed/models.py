"""The microblog: posts, comments, likes, shares, topics, mentions and follows.

Every row inside a space carries ``space_id`` (copied from its post) so that every query
filters by the space. Counters on Post are kept by the actions, in the same transaction as
the row they count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_BODY = 5000
MAX_COMMENT = 2000


class Post(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("spaces.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    body = models.TextField(_("body"), max_length=MAX_BODY, blank=True)
    html = models.TextField(blank=True)  # rendered and sanitized once, at write time
    created = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    pinned_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    # A share (转发) links the post it re-posts; viewers who cannot see that post see
    # "not available" instead of its content.
    shared_post = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="shares")
    # What a feed item shows of its attachments ({id, name, size, content_type, is_image}),
    # copied when they are attached (they never change), so a feed page needs no query.
    attachment_data = models.JSONField(default=list, blank=True)
    # Hidden by the space's moderators (``moderation``): seen only by the space's admins and its author.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["space", "-created", "-id"], name="post_space_created"),
            models.Index(fields=["team", "-created", "-id"], name="post_team_created"),
            models.Index(fields=["author", "-created", "-id"], name="post_author_created"),
            models.Index(fields=["space", "-pinned_at"], condition=models.Q(pinned_at__isnull=False), name="post_space_pinned"),
        ]

    def __str__(self) -> str:
        return f"post {self.pk}"

    @property
    def edited(self) -> bool:
        return self.edited_at is not None


class PostRevision(models.Model):
    """The body a post had before an edit: edits keep their history."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["post", "-created", "-id"], name="postrev_post_created")]


class Comment(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=MAX_COMMENT)
    html = models.TextField(blank=True)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    created = models.DateTimeField(default=timezone.now)
    # Hidden by the space's moderators (``moderation``): seen only by the space's admins and its author.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["post", "-created", "-id"], name="comment_post_created")]


class Like(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="like_post_user")]
        indexes = [models.Index(fields=["user", "-created"], name="like_user_created")]


class Topic(models.Model):
    """A ``#topic`` of one space; ``key`` is the case-folded name it is found by."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)
    key = models.CharField(max_length=50)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "key"], name="topic_space_key")]


class PostTopic(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="post_topics")
    created = models.DateTimeField(default=timezone.now)  # the post's, for the topic feed

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "topic"], name="posttopic_post_topic")]
        indexes = [models.Index(fields=["topic", "-created", "-post"], name="posttopic_topic_created")]


class Mention(models.Model):
    """A person ``@mentioned`` in a post who could see it when it was written."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="mention_post_user")]
        indexes = [models.Index(fields=["user", "post"], name="mention_user_post")]


class Follow(models.Model):
    """One person follows another across every space they share (not a tenant row)."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follower", "followee"], name="follow_pair")]
        indexes = [models.Index(fields=["followee", "follower"], name="follow_followee")]
