from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "plaza.uploads"
    label = "uploads"

    def ready(self) -> None:
        from plaza.core.scheduler import schedule
        from plaza.uploads import tasks

        schedule("uploads.purge_orphan_uploads", every=3600, task=tasks.purge_orphan_uploads)
