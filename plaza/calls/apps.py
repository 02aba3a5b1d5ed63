from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "plaza.calls"
    label = "calls"
