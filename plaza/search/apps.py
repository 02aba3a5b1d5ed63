from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "plaza.search"
    label = "search"
