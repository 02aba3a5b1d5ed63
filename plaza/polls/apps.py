from django.apps import AppConfig


class PollsConfig(AppConfig):
    name = "plaza.polls"
    label = "polls"

    def ready(self) -> None:
        from plaza.core.scheduler import schedule
        from plaza.polls import (
            notifications,  # noqa: F401  (registers kinds and targets)
            tasks,
        )

        schedule("polls.close_due", every=60, task=tasks.close_due_polls)
