from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "plaza.cases"
    label = "cases"

    def ready(self) -> None:
        from plaza.cases import (
            notifications,  # noqa: F401  (registers kinds and targets)
            tasks,
        )
        from plaza.core.scheduler import schedule

        schedule("cases.mark_overdue", every=300, task=tasks.mark_overdue_cases)
