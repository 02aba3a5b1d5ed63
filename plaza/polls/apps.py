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
        from plaza.polls.access import poll_upload_visible
        from plaza.polls.actions import UPLOAD_KIND
        from plaza.polls.models import Poll
        from plaza.uploads.kinds import register_upload_kind

        register_upload_kind(UPLOAD_KIND, poll_upload_visible, model=Poll)
        schedule("polls.close_due", every=60, task=tasks.close_due_polls)
