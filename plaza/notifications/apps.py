from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "plaza.notifications"
    label = "notifications"

    def ready(self) -> None:
        from plaza.core.scheduler import schedule
        from plaza.notifications import tasks

        schedule("notifications.digests", every=tasks.DIGEST_EVERY, task=tasks.send_digests)
