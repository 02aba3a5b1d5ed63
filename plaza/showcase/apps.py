from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "plaza.showcase"
    label = "showcase"

    def ready(self) -> None:
        from plaza.showcase import notifications  # noqa: F401  (registers kinds and targets)
