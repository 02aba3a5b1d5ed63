from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "plaza.blogs"
    label = "blogs"
