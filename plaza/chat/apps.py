from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "plaza.chat"
    label = "chat"

    def ready(self) -> None:
        from plaza.chat import notifications  # noqa: F401  (registers kinds and targets)
