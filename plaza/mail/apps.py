from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "plaza.mail"
    label = "mail"

    def ready(self) -> None:
        from plaza.mail import notifications  # noqa: F401  (registers kinds and targets)
