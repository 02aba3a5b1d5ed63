from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "plaza.feed"
    label = "feed"

    def ready(self) -> None:
        from plaza.core.scheduler import schedule
        from plaza.feed import (
            notifications,  # noqa: F401  (registers kinds and targets)
            tasks,
        )

        schedule("feed.purge_orphan_uploads", every=3600, task=tasks.purge_orphan_uploads)
