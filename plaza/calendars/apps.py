from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "plaza.calendars"
    label = "calendars"
