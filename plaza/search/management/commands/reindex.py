"""``plaza reindex``: rebuild the search index from the content."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from plaza.search.actions import do_reindex


class Command(BaseCommand):
    help = "Rebuild the search index from every space's content (one transaction)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = do_reindex()
        self.stdout.write(f"Indexed {count} documents.")
