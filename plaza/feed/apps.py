from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "plaza.feed"
    label = "feed"

    def ready(self) -> None:
        from plaza.feed import notifications  # noqa: F401  (registers kinds and targets)
