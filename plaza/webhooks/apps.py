from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "plaza.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from plaza.webhooks import (  # noqa: F401  (registers the kind, the target and the task)
            notifications,
            tasks,
        )
