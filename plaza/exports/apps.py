from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "plaza.exports"
    label = "exports"

    def ready(self) -> None:
        from plaza.core.scheduler import schedule
        from plaza.exports import tasks

        schedule("exports.delete_expired", every=3600, task=tasks.delete_expired_exports)
