from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "plaza.spaces"
    label = "spaces"
