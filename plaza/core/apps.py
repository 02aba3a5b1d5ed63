from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "plaza.core"
    label = "core"

    def ready(self) -> None:
        from plaza.core import tasks
        from plaza.core.scheduler import schedule

        schedule("core.purge_idempotency_records", every=3600, task=tasks.purge_idempotency_records)
