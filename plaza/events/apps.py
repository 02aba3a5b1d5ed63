from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "plaza.events"
    label = "events"

    def ready(self) -> None:
        from plaza.core.scheduler import schedule
        from plaza.events import notifications  # noqa: F401  (registers kinds and targets)
        from plaza.events.tasks import send_event_reminders

        schedule("event_reminders", every=5 * 60, task=send_event_reminders)
