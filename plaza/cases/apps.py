from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "plaza.cases"
    label = "cases"

    def ready(self) -> None:
        from plaza.cases import (
            notifications,  # noqa: F401  (registers kinds and targets)
            tasks,
        )
        from plaza.cases.access import case_event_upload_visible, case_upload_visible, signed_out_upload_scope
        from plaza.cases.models import CASE_EVENT_UPLOAD_KIND, CASE_UPLOAD_KIND, Case, CaseEvent
        from plaza.core.scheduler import schedule
        from plaza.uploads.kinds import register_signed_out_scope, register_upload_kind

        register_upload_kind(CASE_UPLOAD_KIND, case_upload_visible, model=Case)
        register_upload_kind(CASE_EVENT_UPLOAD_KIND, case_event_upload_visible, model=CaseEvent)
        # POST /uploads signed out, for a public case type's image and file fields.
        register_signed_out_scope("case_type_id", signed_out_upload_scope)

        schedule("cases.mark_overdue", every=300, task=tasks.mark_overdue_cases)
