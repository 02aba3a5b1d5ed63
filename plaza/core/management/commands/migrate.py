"""Django's ``migrate``, serialised across processes on PostgreSQL.

Several ``plaza serve`` processes started together each migrate on start: without a lock,
two of them created the same tables at once and one crashed (``IntegrityError`` on
``pg_type``). A session-level advisory lock lets one migrate while the others wait; they
then find nothing left to do. SQLite needs no lock: its writers already queue.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

# An arbitrary constant that names "Plaza's migrations" among advisory locks.
MIGRATE_LOCK_ID = 0x504C415A41  # "PLAZA"


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> Any:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        # The lock is held on a connection of its own, outside Django's pool: a pooled
        # connection could go back to the pool still holding it. Closing this one (or the
        # process dying) releases the lock.
        import psycopg

        db = connection.settings_dict
        params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"], "port": db["PORT"]}
        with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as lock:
            lock.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_ID])
            return super().handle(*args, **options)
