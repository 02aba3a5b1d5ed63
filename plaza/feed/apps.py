from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "plaza.feed"
    label = "feed"

    def ready(self) -> None:
        from plaza.feed import notifications  # noqa: F401  (registers kinds and targets)
        from plaza.feed.access import access_post
        from plaza.uploads.kinds import register_attached_visibility

        # Uploads attached to a post are downloaded by exactly those who may see the post.
        register_attached_visibility(access_post)
