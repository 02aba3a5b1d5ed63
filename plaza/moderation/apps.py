from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "plaza.moderation"
    label = "moderation"

    def ready(self) -> None:
        from plaza.moderation import notifications  # noqa: F401  (registers the kind and its target)
