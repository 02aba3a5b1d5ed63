from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "plaza.announcements"
    label = "announcements"

    def ready(self) -> None:
        from plaza.announcements import notifications  # noqa: F401  (registers kinds and targets)
