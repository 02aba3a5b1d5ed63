from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "plaza.spaces"
    label = "spaces"

    def ready(self) -> None:
        from plaza.spaces import (
            notifications,  # noqa: F401  (registers kinds and targets)
            tasks,  # noqa: F401  (declares the tasks the actions queue by name)
        )
