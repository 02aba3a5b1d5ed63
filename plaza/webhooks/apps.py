from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "plaza.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from plaza.webhooks import notifications  # noqa: F401  (registers the kind and target)
