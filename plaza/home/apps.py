from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The two home pages: the home across my spaces (``/``) and a space's home (``/s/<slug>/``).

    They gather what every app offers, so they live above the apps (``core ← accounts ←
    spaces ← every app ← home``); no app imports this one.
    """

    name = "plaza.home"
    label = "home"
