from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "plaza.showcase"
    label = "showcase"

    def ready(self) -> None:
        from plaza.showcase import notifications, tasks  # noqa: F401  (registers kinds, targets and tasks)
        from plaza.showcase.access import exhibitor_upload_visible, product_upload_visible
        from plaza.showcase.actions import EXHIBITOR_UPLOAD_KIND, PRODUCT_UPLOAD_KIND
        from plaza.showcase.models import Exhibitor, Product
        from plaza.uploads.kinds import register_upload_kind

        register_upload_kind(PRODUCT_UPLOAD_KIND, product_upload_visible, model=Product)
        register_upload_kind(EXHIBITOR_UPLOAD_KIND, exhibitor_upload_visible, model=Exhibitor)
